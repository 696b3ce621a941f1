/*
 * dns.bench.ts's second floor: UDP for Node through recvmmsg/sendmmsg (N-API), one JS call per
 * batch of up to 64 datagrams instead of one libuv read, one JS callback and one sendto per
 * datagram (Node 20's dgram). A measuring tool, not kubito code: the floor under kubito's own
 * batched transport (src/dns/native/udp-mmsg.c, which has per-socket state, IPv6, late and
 * oversized replies and error handling). One socket per process (static state), IPv4,
 * 127.0.0.1 only.
 * The bench compiles it with gcc against Node's own headers; without them the row is skipped.
 *
 * JS: init(port, onBatch(n)) binds 127.0.0.1:port (0: any) and returns the port; the batch's
 * datagrams are in `inbuf` (slot i at i*SLOT), `meta` holds per slot [length, IPv4, port,
 * reply length]; onBatch writes replies into `outbuf` slots, their lengths into meta[i*4+3],
 * and calls send(n), which sends slot i's reply to slot i's sender.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#define N 64
#define SLOT 2048
static unsigned char inbuf[N * SLOT], outbuf[N * SLOT];
static int32_t meta[N * 4];
static struct sockaddr_in addrs[N];
static struct mmsghdr msgs[N], omsgs[N];
static struct iovec iovs[N], oiovs[N];
static int fd = -1;
static uv_poll_t poll_h;
static napi_env g_env;
static napi_ref cb_ref;

static void on_readable(uv_poll_t *h, int status, int events) {
  (void)h; (void)status; (void)events;
  for (int round = 0; round < 4; round++) { /* at most 4 full batches per wake-up, as libuv's 32 reads */
    for (int i = 0; i < N; i++) {
      iovs[i].iov_base = inbuf + i * SLOT;
      iovs[i].iov_len = SLOT;
      memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
    }
    int n = recvmmsg(fd, msgs, N, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    for (int i = 0; i < n; i++) {
      meta[i * 4] = (int32_t)msgs[i].msg_len;
      meta[i * 4 + 1] = (int32_t)addrs[i].sin_addr.s_addr;
      meta[i * 4 + 2] = ntohs(addrs[i].sin_port);
    }
    napi_handle_scope scope;
    napi_value cb, global, arg, result;
    napi_open_handle_scope(g_env, &scope);
    napi_get_reference_value(g_env, cb_ref, &cb);
    napi_get_global(g_env, &global);
    napi_create_int32(g_env, n, &arg);
    napi_call_function(g_env, global, cb, 1, &arg, &result);
    napi_close_handle_scope(g_env, scope);
    if (n < N) return;
  }
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  int32_t count = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_value_int32(env, argv[0], &count);
  if (count > N) count = N;
  for (int i = 0; i < count; i++) {
    oiovs[i].iov_base = outbuf + i * SLOT;
    oiovs[i].iov_len = (size_t)meta[i * 4 + 3] <= SLOT ? (size_t)meta[i * 4 + 3] : SLOT;
    memset(&omsgs[i].msg_hdr, 0, sizeof(omsgs[i].msg_hdr));
    omsgs[i].msg_hdr.msg_iov = &oiovs[i];
    omsgs[i].msg_hdr.msg_iovlen = 1;
    omsgs[i].msg_hdr.msg_name = &addrs[i];
    omsgs[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
  }
  int sent = 0;
  while (sent < count) {
    int r = sendmmsg(fd, omsgs + sent, count - sent, MSG_DONTWAIT);
    if (r <= 0) break;
    sent += r;
  }
  napi_create_int32(env, sent, &out);
  return out;
}

static napi_value js_init(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  int32_t port = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_value_int32(env, argv[0], &port);
  napi_create_reference(env, argv[1], 1, &cb_ref);
  g_env = env;
  fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    napi_throw_error(env, NULL, "bind failed");
    return NULL;
  }
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &poll_h, fd);
  uv_poll_start(&poll_h, UV_READABLE, on_readable);
  napi_create_int32(env, ntohs(a.sin_port), &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value f, ab;
  napi_create_function(env, "init", NAPI_AUTO_LENGTH, js_init, NULL, &f);
  napi_set_named_property(env, exports, "init", f);
  napi_create_function(env, "send", NAPI_AUTO_LENGTH, js_send, NULL, &f);
  napi_set_named_property(env, exports, "send", f);
  napi_create_external_arraybuffer(env, inbuf, sizeof inbuf, NULL, NULL, &ab);
  napi_set_named_property(env, exports, "inbuf", ab);
  napi_create_external_arraybuffer(env, outbuf, sizeof outbuf, NULL, NULL, &ab);
  napi_set_named_property(env, exports, "outbuf", ab);
  napi_create_external_arraybuffer(env, meta, sizeof meta, NULL, NULL, &ab);
  napi_set_named_property(env, exports, "meta", ab);
  napi_value slot;
  napi_create_int32(env, SLOT, &slot);
  napi_set_named_property(env, exports, "SLOT", slot);
  return exports;
}
