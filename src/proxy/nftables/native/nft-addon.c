/*
 * libnftables inside the proxy's process (build/proxy-nft.node, built by scripts/build-native.js;
 * src/proxy/nftables/libnft.ts loads it): a sync's script is parsed, checked against the kernel
 * and committed by the library `nft` itself is a thin shell around, without starting `nft`. Per
 * sync that saves an exec and the dynamic loading of nft's libraries (milliseconds of CPU on a
 * 2-vCPU VM, where even `/bin/true` costs ~5 ms), and the process's teardown after the commit,
 * which the proxy waited for before it heard of the commit.
 *
 *   run(script, netns) -> Promise<{ code, stdout, stderr }>
 *     What `nft -f -` would answer for `script`: code 0 applied, 1 refused (stderr has nft's
 *     messages, `/proc/self/fd/N:LINE:COL: Error: ...` where nft -f - says `/dev/stdin:...`);
 *     -1 the library can never be used by this process (not installed, no netfilter netlink
 *     socket here, not allowed into the namespace), -2 it could not be used for this run (out
 *     of descriptors or memory, the namespace gone); stderr says why. The script runs on a
 *     thread of libuv's pool, one at a time (libnftables keeps process-wide state: its
 *     interface cache), in the network namespace at `netns` (/run/netns/<name>), or null for
 *     the process's own: the pool thread enters it (setns) for the whole run — a context's
 *     netlink socket, and the sockets libnftables opens to look up interface names during the
 *     run, belong to the namespace of the thread that opens them — and goes back; should going
 *     back fail the process aborts (a pool thread must not stay in another namespace). Bad
 *     arguments throw a TypeError.
 *
 * The library is opened with dlopen (libnftables.so.1, Debian's libnftables1, which the nftables
 * package installs), so the addon builds without its headers and loads where it is missing; the
 * few functions used are declared here as libnftables.h (nftables 0.9-1.1) declares them.
 * libnftables ends the process (exit) when a netlink socket it needs will not open, and on an
 * allocation failure: its netfilter socket is probed first, in the same namespace, and the run
 * given up (-1/-2) when that fails; the sockets of interface-name lookups are not (kubito's
 * rules name no interface), nor its allocations. A context is made and freed per run: its cache
 * (every chain of the table, which any `add rule` makes nft fetch) would be stale after the
 * commit anyway, since the kernel's generation changes with it, and a kept one would hold a
 * copy of the whole table in this process. After each run the heap it grew is trimmed
 * (malloc_trim): every pool thread has a malloc arena of its own, and without the trim each
 * kept the peak of the largest run it served (measured: a 10,000-Service full sync, 8 runs,
 * RSS 55 -> 1,343 MB; with the trim 72 MB).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <linux/netlink.h>
#include <node_api.h>
#include "../../../native/command-answer.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

struct nft_ctx;
static struct {
  int tried;
  char why[256];
  struct nft_ctx *(*ctx_new)(uint32_t flags);
  void (*ctx_free)(struct nft_ctx *ctx);
  int (*buffer_output)(struct nft_ctx *ctx);
  int (*buffer_error)(struct nft_ctx *ctx);
  const char *(*output_buffer)(struct nft_ctx *ctx);
  const char *(*error_buffer)(struct nft_ctx *ctx);
  int (*run_file)(struct nft_ctx *ctx, const char *filename);
} lib;

/* libnftables' process-wide state (interface cache, first-use init) is not guarded by it. */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

/* Opens libnftables once; 0, or -1 with lib.why set. */
static int open_lib(void) {
  if (lib.tried) return lib.why[0] ? -1 : 0;
  lib.tried = 1;
  void *h = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(lib.why, sizeof lib.why, "libnftables: %s", dlerror());
    return -1;
  }
#define SYM(field, name)                                                   \
  if (!(*(void **)&lib.field = dlsym(h, name))) {                          \
    snprintf(lib.why, sizeof lib.why, "libnftables.so.1 has no %s", name); \
    return -1;                                                             \
  }
  SYM(ctx_new, "nft_ctx_new")
  SYM(ctx_free, "nft_ctx_free")
  SYM(buffer_output, "nft_ctx_buffer_output")
  SYM(buffer_error, "nft_ctx_buffer_error")
  SYM(output_buffer, "nft_ctx_get_output_buffer")
  SYM(error_buffer, "nft_ctx_get_error_buffer")
  SYM(run_file, "nft_run_cmd_from_filename")
#undef SYM
  return 0;
}

struct run_work {
  napi_async_work work;
  napi_deferred deferred;
  char netns[PATH_MAX];
  char *script;
  char *out, *err;
  int code;
};

static char *copy_or_empty(const char *s) {
  char *c = strdup(s ? s : "");
  return c ? c : calloc(1, 1);
}

/*
 * The script as a file nft reads as `nft -f` reads its input (a memfd), so that its messages
 * name the line (`/proc/self/fd/N:LINE:COL: Error: ...`; from a buffer, libnftables prints the
 * line without its number). A descriptor, or -1 with `why` filled.
 */
static int script_file(const char *script, char *why, size_t whylen) {
  int fd = memfd_create("kubito-nft-script", MFD_CLOEXEC);
  if (fd < 0) {
    snprintf(why, whylen, "memfd_create: %s", strerror(errno));
    return -1;
  }
  for (size_t left = strlen(script); left > 0;) {
    ssize_t n = write(fd, script, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      snprintf(why, whylen, "writing the script: %s", strerror(n < 0 ? errno : EIO));
      close(fd);
      return -1;
    }
    script += n;
    left -= (size_t)n;
  }
  return fd;
}

/* Whether a failed socket or setns says this process can never use the library (-1), not that
 * it could not now (-2: out of descriptors or memory, a namespace gone). */
static int permanent(int e) {
  return e == EAFNOSUPPORT || e == EPROTONOSUPPORT || e == EPERM || e == EACCES || e == ENOSYS;
}

/*
 * The run, in the namespace the context's sockets belong to: a context made there (after a
 * probe of the netfilter netlink socket: nft_ctx_new exits the process when its own fails), the
 * script, and the context freed. Returns 0 or 1 as nft's exit status, or -1 / -2 (see
 * permanent) with `why` filled.
 */
static int run_here(struct run_work *w, char *why, size_t whylen) {
  int probe = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (probe < 0) {
    int e = errno;
    snprintf(why, whylen, "netlink socket (NETLINK_NETFILTER): %s", strerror(e));
    return permanent(e) ? -1 : -2;
  }
  close(probe);
  int script = script_file(w->script, why, whylen);
  if (script < 0) return -2;
  struct nft_ctx *ctx = lib.ctx_new(0 /* NFT_CTX_DEFAULT */);
  if (!ctx || lib.buffer_output(ctx) != 0 || lib.buffer_error(ctx) != 0) {
    snprintf(why, whylen, "libnftables could not make a context");
    if (ctx) lib.ctx_free(ctx);
    close(script);
    return -2;
  }
  char name[64];
  snprintf(name, sizeof name, "/proc/self/fd/%d", script);
  int code = lib.run_file(ctx, name) == 0 ? 0 : 1;
  w->out = copy_or_empty(lib.output_buffer(ctx));
  w->err = copy_or_empty(lib.error_buffer(ctx));
  lib.ctx_free(ctx);
  close(script);
  return code;
}

/*
 * On a pool thread, one at a time (libnft.ts queues the runs; the lock guards the rest):
 * into the target namespace for the whole run — interface names in a script are looked up by
 * libnftables during the run, through sockets of the thread's namespace — and back. The heap
 * the run grew (a full sync of 10,000 Services: ~330 MB) is given back to the system after it:
 * each pool thread has a malloc arena of its own, which kept it (a nft process gave it back by
 * exiting).
 */
static void execute(napi_env env, void *data) {
  (void)env;
  struct run_work *w = data;
  char why[PATH_MAX + 128] = "";
  pthread_mutex_lock(&run_lock);
  int self = -1, target = -1;
  if (open_lib() != 0) {
    snprintf(why, sizeof why, "%s", lib.why);
    w->code = -1;
  } else if (w->netns[0] && (self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) {
    snprintf(why, sizeof why, "open /proc/thread-self/ns/net: %s", strerror(errno));
    w->code = -2;
  } else if (w->netns[0] && ((target = open(w->netns, O_RDONLY | O_CLOEXEC)) < 0 || setns(target, CLONE_NEWNET) < 0)) {
    int e = errno;
    snprintf(why, sizeof why, "%s %s: %s", target < 0 ? "open" : "setns", w->netns, strerror(e));
    w->code = target >= 0 && permanent(e) ? -1 : -2;
  } else {
    w->code = run_here(w, why, sizeof why);
    if (w->netns[0] && setns(self, CLONE_NEWNET) < 0) {
      fprintf(stderr, "kubito nft addon: cannot return to the thread's network namespace: %s\n", strerror(errno));
      abort();
    }
  }
  if (self >= 0) close(self);
  if (target >= 0) close(target);
#ifdef __GLIBC__
  malloc_trim(0);
#endif
  pthread_mutex_unlock(&run_lock);
  if (w->code < 0 && asprintf(&w->err, "kubito nft addon: %s\n", why) < 0) w->err = NULL;
}

static void complete(napi_env env, napi_status status, void *data) {
  struct run_work *w = data;
  if (status != napi_ok && w->code >= 0) w->code = -2;
  napi_resolve_deferred(env, w->deferred, command_answer(env, w->code, w->out, NAPI_AUTO_LENGTH, w->err, NAPI_AUTO_LENGTH));
  napi_delete_async_work(env, w->work);
  free(w->script);
  free(w->out);
  free(w->err);
  free(w);
}

/* run(script: string, netns: string | null): Promise<{ code, stdout, stderr }> */
static napi_value js_run(napi_env env, napi_callback_info info) {
  size_t argc = 2, len = 0;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[PATH_MAX] = "";
  napi_valuetype kinds[2] = {napi_undefined, napi_undefined};
  for (size_t i = 0; i < argc && i < 2; i++) napi_typeof(env, argv[i], &kinds[i]);
  if (argc < 2 || kinds[0] != napi_string ||
      (kinds[1] != napi_null && (napi_get_value_string_utf8(env, argv[1], path, sizeof path, &len) != napi_ok || len == 0 || len >= sizeof path - 1))) {
    napi_throw_type_error(env, NULL, "run(script: string, netns: string | null)");
    return NULL;
  }
  size_t slen = 0;
  napi_get_value_string_utf8(env, argv[0], NULL, 0, &slen);
  struct run_work *w = calloc(1, sizeof *w);
  if (!w || !(w->script = malloc(slen + 1))) {
    free(w);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, argv[0], w->script, slen + 1, &slen);
  memcpy(w->netns, path, sizeof path);
  napi_value promise;
  napi_create_promise(env, &w->deferred, &promise);
  napi_value name;
  napi_create_string_utf8(env, "kubito-nft", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, w, &w->work);
  napi_queue_async_work(env, w->work);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "run", NAPI_AUTO_LENGTH, js_run, NULL, &f);
  napi_set_named_property(env, exports, "run", f);
  return exports;
}
