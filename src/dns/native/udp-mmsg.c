/*
 * kubito's native batched UDP for the DNS server (src/dns/udp-native.ts), through
 * recvmmsg/sendmmsg on Linux. Node 20's dgram costs one libuv read, one JS callback and one
 * sendto per datagram, more than NSD spends per query in total; this module reads up to
 * BATCH datagrams per system call, calls JS once per batch, and sends the batch's replies with
 * one sendmmsg (see src/dns/README.md, "The native UDP transport"). dgram stays the fallback.
 *
 * Built by scripts/build-native.js with the machine's cc against Node's own headers (N-API
 * only: no node-gyp, any Node >= 20 of the same ABI level loads it).
 *
 * JS API (each socket its own state; any number per process, all on the main thread):
 *   bind(host, port, onBatch) -> { handle, port, family, input, output, meta, names, counters,
 *     cacheStats }
 *     host: an IPv4 or IPv6 literal (IPv6 sockets are dual-stack, as dgram's udp6).
 *     onBatch(n): datagram i (0 <= i < n) is input[i*SLOT, i*SLOT + meta[i*META+0]), sent by
 *       names[i*NAME, +NAME) (a struct sockaddr_in or sockaddr_in6); meta[i*META+1] is 1 for
 *       IPv4, 2 for IPv6; meta[i*META+2] is 1 when the kernel cut the datagram at SLOT bytes,
 *       2 when the native answer cache answered it already (JS skips both).
 *       JS writes slot i's reply into output[i*SLOT...] and its length into meta[i*META+3]
 *       (0: none), and into meta[i*META+4] the reply's metric class (0..CLASSES-1) when it may
 *       be cached (-1, as C sets it, when not); then calls send(handle, n) before returning.
 *       The buffers are reused by the next batch: JS must copy what it keeps.
 *     A batch the cache answers whole is sent from C: onBatch is not called at all.
 *   send(handle, n) -> sent: the replies of slots 0..n-1 with a length in 1..SLOT, by sendmmsg;
 *     only inside onBatch, n at most the batch's (0 is sent otherwise). Then the replies JS
 *     marked cacheable are kept (answer-cache.h), keyed by their query's bytes after the ID.
 *   cacheConfigure(handle, maxEntries, maxBytes): sizes the answer cache, emptied (0: off, the
 *     default): two segments of maxEntries entries and maxBytes / 2 bytes each. cacheClear(handle): empties it (JS: on every change of the DNS data).
 *   cacheStats (Float64, CLASSES x STRIDE): per metric class, cumulative: hits from IPv4 and
 *     from IPv6 clients, then per-bucket counts of the hits' durations (CoreDNS's 16 buckets,
 *     0.25 ms doubling; a hit past the last is in none), their sum (seconds) and count. A hit's
 *     duration is its batch's, from recvmmsg's return to sendmmsg's.
 *   sendTo(handle, buffer, name) -> 0 or -errno: one reply (a forwarded query's, answered
 *     later, or one longer than SLOT) to `name` (NAME bytes copied from `names`).
 *   close(handle): stops reading; the fd is closed once libuv has let go of it.
 *   counters (Float64): [received, sent, send errors, receive errors, truncated, last errno,
 *     cache hits, replies cached, cache clears (by JS), cache resets (full), cache entries,
 *     cache bytes, wake-ups (readable events), batches (recvmmsg calls that read), JS calls].
 * Errors never throw after bind: EAGAIN ends a send (the rest is dropped, as a full socket
 * buffer drops), any other errno (EMSGSIZE, ECONNREFUSED, EPERM...) skips one message.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "answer-cache.h"

#define BATCH 64
#define SLOT 4096
#define META 5 /* length, family, flags (1 cut, 2 answered natively), reply length, class */
#define NAME 32 /* >= sizeof(struct sockaddr_in6) (28) */
#define ROUNDS 4 /* full batches per wake-up at most, then back to the loop (fairness) */
enum {
  C_RECEIVED, C_SENT, C_SEND_ERRORS, C_RECV_ERRORS, C_TRUNCATED, C_ERRNO,
  C_HITS, C_STORED, C_CLEARS, C_RESETS, C_ENTRIES, C_BYTES, C_WAKEUPS, C_BATCHES, C_JS_CALLS, C_COUNT
};
#define STRIDE 20 /* cacheStats per class: hits v4, hits v6, 16 buckets, sum, count */
#define TIME_BUCKETS 16
enum { F_CUT = 1, F_NATIVE = 2 };

typedef struct {
  uv_poll_t poll; /* first: the uv_close callback gets back to the state from it */
  int fd;
  int polling;  /* uv_poll started and not yet closed */
  int released; /* the JS handle was finalized */
  int closed;   /* uv_close done (callback ran), or never started */
  int batch;    /* datagrams of the batch whose callback runs now; 0 outside one */
  napi_env env;
  napi_ref callback, refs[6];
  napi_async_context async;
  unsigned char *input, *output, *names;
  int32_t *meta;
  double *counters;
  double *stats; /* cacheStats */
  Cache cache;
  struct mmsghdr msgs[BATCH];
  struct iovec iovs[BATCH];
} Socket;

static void maybe_free(Socket *s) {
  if (!s->released || !s->closed) return;
  cache_free(&s->cache);
  free(s);
}

static void on_closed(uv_handle_t *h) {
  Socket *s = (Socket *)h;
  close(s->fd);
  s->fd = -1;
  /* JS references go here, not in stop(): close() may be called from inside the batch's own
   * callback, whose async context must outlive it. The buffers live on while JS holds them. */
  napi_handle_scope scope;
  napi_open_handle_scope(s->env, &scope);
  if (s->callback) napi_delete_reference(s->env, s->callback);
  for (int i = 0; i < 6; i++) if (s->refs[i]) napi_delete_reference(s->env, s->refs[i]);
  if (s->async) napi_async_destroy(s->env, s->async);
  napi_close_handle_scope(s->env, scope);
  s->closed = 1;
  maybe_free(s);
}

/* Stops reading now; the fd and the references go once libuv has let go of the poll handle. */
static void stop(Socket *s) {
  if (!s->polling) return;
  s->polling = 0;
  uv_close((uv_handle_t *)&s->poll, on_closed);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  Socket *s = data;
  s->released = 1;
  /* Not closed by JS: the poll still holds the callback; nothing to do but wait for close.
   * (Unreachable while polling: the callback reference is strong and keeps JS's state.) */
  maybe_free(s);
}

static void count_error(Socket *s, int err) {
  s->counters[C_SEND_ERRORS]++;
  s->counters[C_ERRNO] = err;
}

/* The cache's size into the counters (after any change of it). */
static void cache_gauges(Socket *s) {
  s->counters[C_ENTRIES] = cache_entries(&s->cache);
  s->counters[C_BYTES] = (double)cache_bytes(&s->cache);
  s->counters[C_RESETS] = s->cache.resets;
}

/* Sends the replies of slots 0..count-1 that have one (length 1..SLOT) by sendmmsg; returns
 * how many left. EAGAIN drops the rest (as a full socket buffer would), any other error skips
 * one message. */
static int send_slots(Socket *s, int count) {
  struct mmsghdr msgs[BATCH];
  struct iovec iovs[BATCH];
  int k = 0, sent = 0;
  if (count > BATCH) count = BATCH;
  for (int i = 0; i < count; i++) {
    int32_t len = s->meta[i * META + 3];
    if (len <= 0 || len > SLOT) continue;
    const struct sockaddr *a = (const struct sockaddr *)(s->names + (size_t)i * NAME);
    iovs[k].iov_base = s->output + (size_t)i * SLOT;
    iovs[k].iov_len = (size_t)len;
    memset(&msgs[k], 0, sizeof msgs[k]);
    msgs[k].msg_hdr.msg_iov = &iovs[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
    msgs[k].msg_hdr.msg_name = (void *)a;
    msgs[k].msg_hdr.msg_namelen = a->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    k++;
  }
  int at = 0;
  while (at < k) {
    int r = sendmmsg(s->fd, msgs + at, (unsigned)(k - at), MSG_DONTWAIT);
    if (r > 0) {
      at += r;
      sent += r;
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    count_error(s, r < 0 ? errno : EIO);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    at++; /* this message failed (EMSGSIZE, ECONNREFUSED, ...): skip it, send the rest */
  }
  s->counters[C_SENT] += sent;
  return sent;
}

/* Keeps the replies JS marked cacheable (class >= 0), keyed by their query after the ID.
 * Only whole replies of a whole query: not cut by the kernel, a reply (QR) without TC. */
static void store_slots(Socket *s, int count) {
  if (!s->cache.on) return;
  for (int i = 0; i < count; i++) {
    int32_t *m = s->meta + i * META;
    int32_t qlen = m[0], rlen = m[3], cls = m[4];
    if (cls < 0 || cls >= CACHE_CLASSES || m[2] != 0 || qlen <= 12 || rlen < 12 || rlen > SLOT) continue;
    const unsigned char *q = s->input + (size_t)i * SLOT, *r = s->output + (size_t)i * SLOT;
    if ((q[2] & 0x80) || !(r[2] & 0x80) || (r[2] & 0x02)) continue;
    s->counters[C_STORED] += cache_put(&s->cache, q + 2, (size_t)qlen - 2, r, (size_t)rlen, cls);
  }
  cache_gauges(s);
}

/* Answers the batch's slots the cache holds: reply copied into the output slot with the
 * query's ID, flagged F_NATIVE. Returns how many; their classes in cls[]. */
static int answer_slots(Socket *s, int n, int16_t *cls) {
  int hits = 0;
  for (int i = 0; i < n; i++) {
    int32_t *m = s->meta + i * META;
    cls[i] = -1;
    if (!s->cache.on || m[2] != 0 || m[0] <= 12) continue;
    const unsigned char *q = s->input + (size_t)i * SLOT;
    if (q[2] & 0x80) continue;
    size_t klen = (size_t)m[0] - 2;
    if (klen > CACHE_KEY_MAX) continue;
    const CacheEntry *e = cache_find(&s->cache, q + 2, klen, cache_hash(q + 2, klen));
    if (!e) continue;
    unsigned char *out = s->output + (size_t)i * SLOT;
    memcpy(out, cache_reply(e), e->rlen);
    out[0] = q[0];
    out[1] = q[1];
    m[2] = F_NATIVE;
    m[3] = e->rlen;
    cls[i] = e->cls;
    hits++;
  }
  return hits;
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Counts the batch's native hits into cacheStats, each with the batch's duration. */
static void count_hits(Socket *s, int n, const int16_t *cls, int hits, double seconds) {
  int bucket = -1;
  double bound = 0.00025;
  for (int b = 0; b < TIME_BUCKETS; b++, bound *= 2) if (seconds <= bound) { bucket = b; break; }
  for (int i = 0; i < n; i++) {
    if (cls[i] < 0) continue;
    double *st = s->stats + (size_t)cls[i] * STRIDE;
    st[s->meta[i * META + 1] == 2 ? 1 : 0]++;
    if (bucket >= 0) st[2 + bucket]++;
    st[2 + TIME_BUCKETS] += seconds;
    st[3 + TIME_BUCKETS]++;
  }
  s->counters[C_HITS] += hits;
}

static void on_readable(uv_poll_t *h, int status, int events) {
  (void)events;
  Socket *s = (Socket *)h;
  s->counters[C_WAKEUPS]++;
  if (status < 0) {
    /* POLLERR: libuv has stopped the handle. A pending socket error (ICMP; only with
     * IP_RECVERR on an unconnected socket, which this one is not) is read and cleared, and
     * polling resumes: one error must not end the server's reads. */
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    s->counters[C_RECV_ERRORS]++;
    s->counters[C_ERRNO] = err ? err : -status;
    if (s->polling) uv_poll_start(&s->poll, UV_READABLE, on_readable);
  }
  for (int round = 0; round < ROUNDS && s->polling; round++) {
    for (int i = 0; i < BATCH; i++) {
      s->iovs[i].iov_base = s->input + (size_t)i * SLOT;
      s->iovs[i].iov_len = SLOT;
      memset(&s->msgs[i], 0, sizeof s->msgs[i]);
      s->msgs[i].msg_hdr.msg_iov = &s->iovs[i];
      s->msgs[i].msg_hdr.msg_iovlen = 1;
      s->msgs[i].msg_hdr.msg_name = s->names + (size_t)i * NAME;
      s->msgs[i].msg_hdr.msg_namelen = NAME;
    }
    int n = recvmmsg(s->fd, s->msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        /* A pending socket error (ICMP, with IP_RECVERR) is cleared by reporting it. */
        s->counters[C_RECV_ERRORS]++;
        s->counters[C_ERRNO] = errno;
      }
      return;
    }
    if (n == 0) return;
    struct timespec t0 = {0, 0};
    if (s->cache.on) clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < n; i++) {
      const struct sockaddr *a = (const struct sockaddr *)(s->names + (size_t)i * NAME);
      unsigned len = s->msgs[i].msg_len;
      int32_t *m = s->meta + i * META;
      m[0] = (int32_t)(len <= SLOT ? len : SLOT);
      m[1] = a->sa_family == AF_INET6 ? 2 : 1;
      m[2] = (s->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? F_CUT : 0;
      m[3] = 0;
      m[4] = -1;
      if (m[2]) s->counters[C_TRUNCATED]++;
    }
    s->counters[C_RECEIVED] += n;
    s->counters[C_BATCHES]++;
    int16_t cls[BATCH];
    int hits = answer_slots(s, n, cls);
    if (hits) cache_gauges(s); /* hits in the older segment may have been copied */
    if (hits == n) {
      /* All answered from the cache: no JS at all. */
      send_slots(s, n);
      count_hits(s, n, cls, hits, seconds_since(&t0));
      if (n < BATCH) return;
      continue;
    }
    s->counters[C_JS_CALLS]++;
    napi_handle_scope scope;
    napi_value cb, recv, arg, result;
    napi_open_handle_scope(s->env, &scope);
    napi_get_reference_value(s->env, s->callback, &cb);
    napi_get_global(s->env, &recv); /* make_callback wants an object receiver */
    napi_create_int32(s->env, n, &arg);
    /* make_callback, not call_function: it runs process.nextTick and promise jobs after the
     * call, as any libuv-driven callback of Node's own does (forwarded replies settle there). */
    s->batch = n;
    napi_status st = napi_make_callback(s->env, s->async, recv, cb, 1, &arg, &result);
    s->batch = 0;
    if (st == napi_pending_exception) {
      napi_value err;
      napi_get_and_clear_last_exception(s->env, &err);
      napi_fatal_exception(s->env, err);
    }
    napi_close_handle_scope(s->env, scope);
    /* JS may have cleared the cache meanwhile: the replies copied are still the ones sent. */
    if (hits) count_hits(s, n, cls, hits, seconds_since(&t0));
    if (n < BATCH) return;
  }
}

static Socket *unwrap(napi_env env, napi_value v) {
  Socket *s = NULL;
  if (napi_get_value_external(env, v, (void **)&s) != napi_ok) {
    napi_throw_type_error(env, NULL, "not a socket handle");
    return NULL;
  }
  return s;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  int32_t count = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Socket *s = argc == 2 ? unwrap(env, argv[0]) : NULL;
  if (!s) return NULL;
  napi_get_value_int32(env, argv[1], &count);
  /* Only the running batch's slots: their addresses and replies are this batch's. */
  if (count < 0) count = 0;
  if (count > s->batch) count = s->batch;
  int sent = 0;
  if (s->polling) {
    sent = send_slots(s, count);
    store_slots(s, count);
  }
  napi_create_int32(env, sent, &out);
  return out;
}

static napi_value js_cache_configure(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int64_t entries = 0, bytes = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Socket *s = argc == 3 ? unwrap(env, argv[0]) : NULL;
  if (!s) return NULL;
  if (napi_get_value_int64(env, argv[1], &entries) != napi_ok || napi_get_value_int64(env, argv[2], &bytes) != napi_ok || entries < 0 || bytes < 0) {
    napi_throw_type_error(env, NULL, "cacheConfigure(handle, maxEntries, maxBytes)");
    return NULL;
  }
  if (entries > 1000000) entries = 1000000;
  if (cache_configure(&s->cache, (uint32_t)entries, (size_t)bytes) != 0) {
    napi_throw_error(env, "ENOMEM", "cacheConfigure: out of memory");
    return NULL;
  }
  cache_gauges(s);
  return NULL;
}

static napi_value js_cache_clear(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Socket *s = argc == 1 ? unwrap(env, argv[0]) : NULL;
  if (!s) return NULL;
  cache_clear(&s->cache);
  s->counters[C_CLEARS]++;
  cache_gauges(s);
  return NULL;
}

static napi_value js_send_to(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Socket *s = argc == 3 ? unwrap(env, argv[0]) : NULL;
  if (!s) return NULL;
  void *data = NULL, *name = NULL;
  size_t len = 0, name_len = 0;
  bool ok = false;
  if (napi_is_buffer(env, argv[1], &ok) != napi_ok || !ok || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok ||
      napi_is_buffer(env, argv[2], &ok) != napi_ok || !ok || napi_get_buffer_info(env, argv[2], &name, &name_len) != napi_ok) {
    napi_throw_type_error(env, NULL, "sendTo(handle, Buffer, Buffer)");
    return NULL;
  }
  int result = -EBADF;
  if (s->polling) {
    struct sockaddr_storage a;
    memset(&a, 0, sizeof a);
    memcpy(&a, name, name_len < NAME ? name_len : NAME);
    socklen_t alen = a.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : a.ss_family == AF_INET ? sizeof(struct sockaddr_in) : 0;
    if (alen == 0 || len > 65507) result = -EINVAL;
    else {
      ssize_t r;
      do r = sendto(s->fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&a, alen);
      while (r < 0 && errno == EINTR);
      result = r < 0 ? -errno : 0;
    }
    if (result < 0) count_error(s, -result);
    else s->counters[C_SENT]++;
  }
  napi_create_int32(env, result, &out);
  return out;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Socket *s = argc == 1 ? unwrap(env, argv[0]) : NULL;
  if (s) stop(s);
  return NULL;
}

static napi_value buffer(napi_env env, Socket *s, int ref, size_t size, void **data) {
  napi_value ab;
  if (napi_create_arraybuffer(env, size, data, &ab) != napi_ok) return NULL;
  memset(*data, 0, size);
  napi_create_reference(env, ab, 1, &s->refs[ref]);
  return ab;
}

static napi_value fail(napi_env env, Socket *s, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  char code[32];
  snprintf(code, sizeof code, "E%d", err);
  if (s->fd >= 0) close(s->fd);
  free(s);
  napi_throw_error(env, err == EADDRINUSE ? "EADDRINUSE" : err == EACCES ? "EACCES" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : code, msg);
  return NULL;
}

static napi_value js_bind(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result, v;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char host[64];
  size_t host_len = 0;
  int32_t port = -1;
  napi_valuetype t = napi_undefined;
  if (argc == 3) napi_typeof(env, argv[2], &t);
  if (argc != 3 || napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok || port < 0 || port > 65535 || t != napi_function) {
    napi_throw_type_error(env, NULL, "bind(host, port, onBatch)");
    return NULL;
  }
  struct sockaddr_storage a;
  memset(&a, 0, sizeof a);
  socklen_t alen;
  int family;
  struct sockaddr_in *a4 = (struct sockaddr_in *)&a;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    family = AF_INET;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    alen = sizeof *a4;
  } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    family = AF_INET6;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    alen = sizeof *a6;
  } else {
    napi_throw_type_error(env, "EINVAL", "bind: host must be an IP literal");
    return NULL;
  }
  Socket *s = calloc(1, sizeof *s);
  if (!s) {
    napi_throw_error(env, "ENOMEM", "bind: out of memory");
    return NULL;
  }
  s->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0) return fail(env, s, "socket", errno);
  int size = 4 << 20; /* best effort: the kernel caps it at net.core.[rw]mem_max */
  setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  if (family == AF_INET6) {
    int off = 0; /* dual-stack, as dgram's udp6 without ipv6Only */
    setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (bind(s->fd, (struct sockaddr *)&a, alen) != 0) return fail(env, s, "bind", errno);
  socklen_t got = sizeof a;
  getsockname(s->fd, (struct sockaddr *)&a, &got);
  int bound = ntohs(family == AF_INET ? a4->sin_port : a6->sin6_port);

  uv_loop_t *loop;
  napi_value name;
  s->env = env;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &s->poll, s->fd) != 0) return fail(env, s, "uv_poll_init", EIO);
  /* From here on the state belongs to libuv too: errors go through stop(). */
  napi_create_object(env, &result);
  napi_value input = buffer(env, s, 0, (size_t)BATCH * SLOT, (void **)&s->input);
  napi_value output = buffer(env, s, 1, (size_t)BATCH * SLOT, (void **)&s->output);
  napi_value meta = buffer(env, s, 2, (size_t)BATCH * META * sizeof(int32_t), (void **)&s->meta);
  napi_value names = buffer(env, s, 3, (size_t)BATCH * NAME, (void **)&s->names);
  napi_value counters = buffer(env, s, 4, C_COUNT * sizeof(double), (void **)&s->counters);
  napi_value stats = buffer(env, s, 5, (size_t)CACHE_CLASSES * STRIDE * sizeof(double), (void **)&s->stats);
  napi_value handle;
  if (!input || !output || !meta || !names || !counters || !stats || napi_create_external(env, s, finalize, NULL, &handle) != napi_ok) {
    /* Leaks the few references made; a failed allocation here is fatal for the process anyway. */
    s->released = 1;
    s->closed = 0;
    uv_close((uv_handle_t *)&s->poll, on_closed);
    napi_throw_error(env, "ENOMEM", "bind: out of memory");
    return NULL;
  }
  napi_create_reference(env, argv[2], 1, &s->callback);
  napi_create_string_utf8(env, "kubito:dns-udp", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &s->async);
  s->polling = 1;
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  napi_set_named_property(env, result, "handle", handle);
  napi_create_int32(env, bound, &v);
  napi_set_named_property(env, result, "port", v);
  napi_create_int32(env, family == AF_INET6 ? 6 : 4, &v);
  napi_set_named_property(env, result, "family", v);
  napi_set_named_property(env, result, "input", input);
  napi_set_named_property(env, result, "output", output);
  napi_set_named_property(env, result, "meta", meta);
  napi_set_named_property(env, result, "names", names);
  napi_set_named_property(env, result, "counters", counters);
  napi_set_named_property(env, result, "cacheStats", stats);
  return result;
}

NAPI_MODULE_INIT() {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    {"bind", js_bind}, {"send", js_send}, {"sendTo", js_send_to}, {"close", js_close},
    {"cacheConfigure", js_cache_configure}, {"cacheClear", js_cache_clear},
  };
  napi_value f;
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  const struct { const char *name; int value; } consts[] = {{"BATCH", BATCH}, {"SLOT", SLOT}, {"META", META}, {"NAME", NAME}, {"CLASSES", CACHE_CLASSES}, {"STRIDE", STRIDE}, {"TIME_BUCKETS", TIME_BUCKETS}};
  for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
    napi_create_int32(env, consts[i].value, &f);
    napi_set_named_property(env, exports, consts[i].name, f);
  }
  return exports;
}
