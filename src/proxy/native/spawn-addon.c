/*
 * The proxy's process starter as an addon of its own process (build/proxy-spawn.node, built by
 * scripts/build-native.js; src/proxy/spawn-addon.ts loads it): a full sync's streamed restore
 * started with posix_spawn, which glibc runs as clone(CLONE_VM | CLONE_VFORK): the child
 * shares the proxy's memory until it execs, so nothing is copied, where Node's spawn forks
 * (the proxy's page tables copied, ~10-40 ms of its event loop on a 2-vCPU VM, then a fault
 * per page it writes) and the spawner (native/spawner.c) had to be forked once that way.
 *
 *   start(argv: string[]) -> { pid, pidfd, stdin, out, err } | { error }
 *     Starts argv[0] (looked up in PATH) with argv; its stdin a new pipe, whose write end
 *     (close-on-exec) is `stdin`; its stdout and stderr memory files `out` and `err`; signals
 *     unblocked and 1-31 at their default action (Node ignores SIGPIPE, which an exec keeps;
 *     glibc leaves its own two, 32 and 33, ignored, and a glibc program sets them up again),
 *     the environment this process's. `pidfd` names the child for `kill` and `wait` (a pid could
 *     be reused once reaped; a pidfd cannot). `error`: the errno name of a failed start
 *     (ENOENT...), the fds closed.
 *   wait(pidfd, out, err[, pid]) -> Promise<{ code, stdout, stderr }>
 *     Waits for it on the event loop: the pidfd turns readable when the child ends (a uv_poll
 *     on it; no thread held — a wait on the pool held a thread for the whole restore, so with
 *     UV_THREADPOOL_SIZE=1 a full sync stopped every file system call of the process), then
 *     reaps it (waitid on the pidfd: only that child, never one of Node's; waitpid on `pid`
 *     where the kernel has no P_PIDFD, before 5.4), reads the memory files and closes them;
 *     code is its exit status, -1 when a signal ended it.
 *   kill(pidfd)          SIGKILL (pidfd_send_signal: a child already reaped is left alone)
 *   close(fd)            closes a pidfd once its wait answered
 * Bad arguments throw a TypeError.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include "../../native/command-answer.h"
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 4096

static void set_int(napi_env env, napi_value obj, const char *name, int v) {
  napi_value n;
  napi_create_int32(env, v, &n);
  napi_set_named_property(env, obj, name, n);
}

/*
 * The errno's name, as Node prints it ("spawn x ENOENT"). A table of its own: glibc's
 * strerrorname_np is 2.32+, and an addon linked against a symbol the C library lacks loads
 * fine and kills the process at its first failed start.
 */
static const char *errno_name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOEXEC: return "ENOEXEC";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EAGAIN: return "EAGAIN";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case E2BIG: return "E2BIG";
    case ETXTBSY: return "ETXTBSY";
    default: return NULL;
  }
}

static napi_value error_result(napi_env env, int e) {
  napi_value obj, s;
  napi_create_object(env, &obj);
  const char *name = errno_name(e);
  napi_create_string_utf8(env, name ? name : strerror(e), NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, "error", s);
  return obj;
}

/* start(argv: string[]) */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  bool is_array = false;
  uint32_t n = 0;
  if (argc < 1 || napi_is_array(env, args[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, args[0], &n) != napi_ok || n == 0 || n > MAX_ARGS) {
    napi_throw_type_error(env, NULL, "start(argv: string[]) with 1 to 4096 strings");
    return NULL;
  }
  char **argv = calloc(n + 1, sizeof(*argv));
  if (!argv) return error_result(env, ENOMEM);
  napi_value result = NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    size_t len = 0;
    if (napi_get_element(env, args[0], i, &v) != napi_ok || napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
      napi_throw_type_error(env, NULL, "start(argv: string[]) with 1 to 4096 strings");
      goto out;
    }
    argv[i] = malloc(len + 1);
    if (!argv[i]) {
      result = error_result(env, ENOMEM);
      goto out;
    }
    napi_get_value_string_utf8(env, v, argv[i], len + 1, &len);
    if (strlen(argv[i]) != len) {
      napi_throw_type_error(env, NULL, "start(argv): an argument holds a NUL");
      goto out;
    }
  }
  int in[2] = {-1, -1};
  int out = memfd_create("kubito-proxy-out", MFD_CLOEXEC);
  int err = memfd_create("kubito-proxy-err", MFD_CLOEXEC);
  if (out < 0 || err < 0 || pipe2(in, O_CLOEXEC) < 0) {
    int e = errno;
    if (out >= 0) close(out);
    if (err >= 0) close(err);
    result = error_result(env, e);
    goto out;
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out, 1);
  posix_spawn_file_actions_adddup2(&fa, err, 2);
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigemptyset(&all);
  for (int sig = 1; sig < 32; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) sigaddset(&all, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int r = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(in[0]);
  int pidfd = r == 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
  if (r == 0 && pidfd < 0) {
    /* No pidfd (a kernel before 5.3): this child cannot be waited for safely; end it. */
    r = errno;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
  if (r != 0) {
    close(in[1]);
    close(out);
    close(err);
    result = error_result(env, r);
    goto out;
  }
  napi_create_object(env, &result);
  set_int(env, result, "pid", pid);
  set_int(env, result, "pidfd", pidfd);
  set_int(env, result, "stdin", in[1]);
  set_int(env, result, "out", out);
  set_int(env, result, "err", err);
out:
  for (uint32_t i = 0; i < n; i++) free(argv[i]);
  free(argv);
  return result;
}

struct wait_work {
  uv_poll_t poll;
  napi_env env;
  napi_deferred deferred;
  napi_async_context context;
  int pidfd, out, err, pid;
};

/* A memory file's content (NULL when empty or unreadable). */
static char *slurp(int fd, size_t *len) {
  struct stat st;
  *len = 0;
  if (fstat(fd, &st) < 0 || st.st_size <= 0) return NULL;
  char *p = malloc((size_t)st.st_size);
  if (!p) return NULL;
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t r = pread(fd, p + got, (size_t)st.st_size - got, (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  *len = got;
  return p;
}

static void free_wait(uv_handle_t *handle) {
  free(handle->data);
}

/*
 * The child's exit status if it has ended (reaped now), -1 if a signal ended it, -2 if it has
 * not ended yet. waitid on the pidfd reaps only that child; a kernel before 5.4 has no P_PIDFD
 * (EINVAL), and there waitpid on its pid does the same safely: an unreaped child's pid cannot
 * be reused, and libuv reaps only the processes it started.
 */
static int reap(struct wait_work *w) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r;
  do r = waitid(P_PIDFD, (id_t)w->pidfd, &si, WEXITED | WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno == EINVAL && w->pid > 0) {
    int status = 0;
    pid_t p;
    do p = waitpid(w->pid, &status, WNOHANG);
    while (p < 0 && errno == EINTR);
    if (p == 0) return -2;
    return p > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  if (r == 0 && si.si_pid == 0) return -2;
  return r == 0 && si.si_code == CLD_EXITED ? si.si_status : -1;
}

/* The pidfd turned readable (the child ended), or the poll failed: answer, on the JS thread. */
static void on_pidfd(uv_poll_t *handle, int status, int events) {
  (void)events;
  struct wait_work *w = handle->data;
  int code = reap(w);
  if (code == -2 && status == 0) return; /* woken early: not ended yet */
  if (code == -2) code = -1;             /* the poll failed: no answer will come */
  uv_poll_stop(handle);
  size_t olen, elen;
  char *o = slurp(w->out, &olen), *e = slurp(w->err, &elen);
  close(w->out);
  close(w->err);
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value resource;
  napi_create_object(env, &resource);
  /* A callback scope, so that the promise's reactions run when it closes (this is a libuv
   * callback, not a call from JS). */
  napi_callback_scope callback;
  napi_open_callback_scope(env, resource, w->context, &callback);
  napi_resolve_deferred(env, w->deferred, command_answer(env, code, o, olen, e, elen));
  napi_close_callback_scope(env, callback);
  napi_async_destroy(env, w->context);
  napi_close_handle_scope(env, scope);
  free(o);
  free(e);
  uv_close((uv_handle_t *)handle, free_wait);
}

/* Non-negative int32 arguments; 0 when not that many. */
static int int_args(napi_env env, napi_callback_info info, size_t n, int32_t *out) {
  size_t argc = n;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < n) return 0;
  for (size_t i = 0; i < n; i++)
    if (napi_get_value_int32(env, args[i], &out[i]) != napi_ok || out[i] < 0) return 0;
  return 1;
}

/* wait(pidfd, out, err[, pid]) */
static napi_value js_wait(napi_env env, napi_callback_info info) {
  int32_t a[4] = {0, 0, 0, 0};
  if (!int_args(env, info, 3, a)) {
    napi_throw_type_error(env, NULL, "wait(pidfd: number, out: number, err: number, pid?: number)");
    return NULL;
  }
  int_args(env, info, 4, a); /* the pid, where given: the fallback of kernels before 5.4 */
  uv_loop_t *loop = NULL;
  struct wait_work *w = calloc(1, sizeof *w);
  if (!w || napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &w->poll, a[0]) != 0) {
    free(w);
    napi_throw_error(env, NULL, "wait: cannot watch the child's pidfd");
    return NULL;
  }
  w->poll.data = w;
  w->env = env;
  w->pidfd = a[0];
  w->out = a[1];
  w->err = a[2];
  w->pid = a[3];
  napi_value promise, name;
  napi_create_promise(env, &w->deferred, &promise);
  napi_create_string_utf8(env, "kubito-proxy-wait", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->context);
  uv_poll_start(&w->poll, UV_READABLE, on_pidfd);
  return promise;
}

static void kill_child(int pidfd) {
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

static void close_fd(int fd) {
  close(fd);
}

/* kill(pidfd) and close(fd): one fd argument, `data` the function applied to it. */
static napi_value js_fd_call(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  void (*fn)(int) = NULL;
  int32_t fd = -1;
  napi_get_cb_info(env, info, &argc, args, NULL, (void **)&fn);
  if (argc < 1 || napi_get_value_int32(env, args[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "expects one fd (a non-negative number)");
    return NULL;
  }
  fn(fd);
  return NULL;
}

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback cb;
    void (*data)(int);
  } fns[] = {{"start", js_start, NULL}, {"wait", js_wait, NULL}, {"kill", js_fd_call, kill_child}, {"close", js_fd_call, close_fd}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, (void *)fns[i].data, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
