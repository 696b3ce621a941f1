/*
 * The legacy table reader of ipt-facts.c as an addon of the proxy's process (build/ipt-facts.node,
 * built by scripts/build-native.js; src/proxy/iptables/ipt-facts-addon.ts loads it), so that a
 * full sync reads what it needs of the kernel without a process: the program, run once or as a
 * server, cost the first full sync a fork of the proxy's Node process (~10-25 ms of its event
 * loop on a 2-vCPU VM) and an exec or two (~10 ms) before its answer.
 *
 *   read(tables, netns) -> Promise<{ code, stdout, stderr }>
 *     The answer `kubito-ipt-facts <tables...>` gives (tables: names separated by spaces; code
 *     0, 1 or 2 as the program's exit status, stdout its output, stderr its messages), read on
 *     a thread of libuv's pool (at 10,000 Services the kernel copies out a 31 MB nat table:
 *     ~120 ms the event loop keeps). netns: the path of the network namespace to read
 *     (/run/netns/<name>), or null for the caller's own. The socket is made on the JS thread:
 *     it enters the namespace (setns), makes one raw IPv4 socket (close-on-exec), and goes back
 *     to the namespace it was in, a few microseconds; should that
 *     fail the process aborts (its JS thread must not stay in another namespace). A socket
 *     belongs to the namespace it was made in, so the read on the pool's thread sees that one.
 *     Bad arguments throw a TypeError; an unopenable namespace or a failed socket answers code 1.
 */
#define _GNU_SOURCE
#define IPT_FACTS_NO_MAIN
#include "ipt-facts.c"

#include <fcntl.h>
#include <limits.h>
#include <node_api.h>
#include "../../../native/command-answer.h"
#include <sched.h>

struct read_work {
  napi_async_work work;
  napi_deferred deferred;
  int sock;
  char tables[256];
  char *out, *err;
  size_t olen, elen;
  int code;
};

/* Prints the tables as the program does, into memory (on a pool thread). */
static void execute(napi_env env, void *data) {
  (void)env;
  struct read_work *w = data;
  FILE *o = open_memstream(&w->out, &w->olen);
  errout = open_memstream(&w->err, &w->elen);
  if (!o || !errout) {
    if (o) fclose(o);
    if (errout) fclose(errout);
    errout = NULL;
    w->code = 1;
    return;
  }
  int r = 0;
  for (char *save = NULL, *name = strtok_r(w->tables, " ", &save); name && r == 0; name = strtok_r(NULL, " ", &save)) r = print_kernel_table(w->sock, name, o);
  fclose(o);
  fclose(errout);
  errout = NULL;
  w->code = r;
}

static void complete(napi_env env, napi_status status, void *data) {
  struct read_work *w = data;
  if (status != napi_ok) w->code = 1;
  napi_resolve_deferred(env, w->deferred, command_answer(env, w->code, w->out, w->olen, w->err, w->elen));
  napi_delete_async_work(env, w->work);
  close(w->sock);
  free(w->out);
  free(w->err);
  free(w);
}

/* A raw IPv4 socket of the namespace at `path` ("" = this thread's own); -1 with errno set. */
static int raw_socket_in(const char *path, const char **syscall) {
  *syscall = "socket";
  if (!*path) return socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  /* Where this thread is, to come back to (one read per full sync: opened each time). */
  *syscall = "open";
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) return -1;
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0 || setns(target, CLONE_NEWNET) < 0) {
    int e = errno;
    if (target >= 0) {
      close(target);
      *syscall = "setns";
    }
    close(self);
    errno = e;
    return -1;
  }
  *syscall = "socket";
  int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  int e = errno;
  if (setns(self, CLONE_NEWNET) < 0) {
    fprintf(stderr, "kubito ipt-facts addon: cannot return to the thread's network namespace: %s\n", strerror(errno));
    abort();
  }
  close(self);
  close(target);
  errno = e;
  return fd;
}

/* read(tables: string, netns: string | null): Promise<{ code, stdout, stderr }> */
static napi_value js_read(napi_env env, napi_callback_info info) {
  size_t argc = 2, len = 0;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char tables[256], path[PATH_MAX] = "";
  napi_valuetype kind = napi_undefined;
  if (argc >= 2) napi_typeof(env, argv[1], &kind);
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], tables, sizeof tables, &len) != napi_ok || len == 0 || len >= sizeof tables - 1 ||
      (kind != napi_null && (napi_get_value_string_utf8(env, argv[1], path, sizeof path, &len) != napi_ok || len == 0 || len >= sizeof path - 1))) {
    napi_throw_type_error(env, NULL, "read(tables: string, netns: string | null)");
    return NULL;
  }
  napi_value promise;
  napi_deferred deferred;
  napi_create_promise(env, &deferred, &promise);
  const char *syscall;
  int sock = raw_socket_in(path, &syscall);
  struct read_work *w = sock < 0 ? NULL : calloc(1, sizeof *w);
  if (!w) {
    int e = sock < 0 ? errno : ENOMEM;
    if (sock >= 0) close(sock);
    char text[PATH_MAX + 128];
    int n = snprintf(text, sizeof text, "kubito-ipt-facts: %s%s%s: %s\n", syscall, *path ? " " : "", path, strerror(e));
    napi_resolve_deferred(env, deferred, command_answer(env, 1, NULL, 0, text, n < 0 ? 0 : (size_t)n >= sizeof text ? sizeof text - 1 : (size_t)n));
    return promise;
  }
  w->sock = sock;
  w->deferred = deferred;
  memcpy(w->tables, tables, sizeof tables);
  napi_value name;
  napi_create_string_utf8(env, "kubito-ipt-facts", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, w, &w->work);
  napi_queue_async_work(env, w->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "read", NAPI_AUTO_LENGTH, js_read, NULL, &f);
  napi_set_named_property(env, exports, "read", f);
  return exports;
}
