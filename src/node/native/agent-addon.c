/*
 * The node agent's native helpers (src/node/agent-addon.ts loads them; build/node-agent.node,
 * built by scripts/build-native.js). Each spares a process, or does what Node cannot:
 *
 *   socketIn(path, family) -> fd
 *     A TCP socket (SOCK_STREAM, non-blocking, close-on-exec) of `family` (4 or 6) made inside
 *     the network namespace `path` names (/run/netns/<name>): the calling thread enters it
 *     (setns), makes the socket, and goes back to the namespace it was in before returning. A
 *     socket belongs to the namespace it was made in for good, so the caller connects it (Node:
 *     `new net.Socket({ fd }).connect(...)`) from its own namespace, on its own loop
 *     (port-forward's localhost dial, src/node/netns-dial.ts).
 *   setWinsize(path, rows, cols)
 *     Sets the size of the terminal at `path` (a pty slave, e.g. /proc/<pid>/fd/0): open,
 *     TIOCSWINSZ, close; the kernel sends SIGWINCH to its foreground process group when the size
 *     changes, as `stty -F path rows R cols C` does, without a process.
 *   strerror(errno) -> string
 *     The system's words for an errno, lowercased as Go prints them ("connection refused", not
 *     libuv's words).
 *   Failures throw an Error with `errno` (positive), `code` (ENOENT..., as Node names it),
 *     `syscall` (open, setns, socket, ioctl), `path` (the file it was about, if any) and those
 *     words as message. socketIn reports the errno of the module's own open of
 *     /proc/thread-self/ns/net (its way back) if that open failed (path: that file).
 *
 * No thread, no process: the namespace switch is two setns(2) calls on the JS thread, a few
 * microseconds, during which nothing else runs on it (other threads keep their own namespace:
 * a network namespace is per thread). The way back is the namespace the thread was in when it
 * loaded the module (opened once, per Node environment: the main thread's, or a worker's).
 * Should it fail the process aborts: its JS thread must not stay in a pod's namespace.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* "Connection refused" -> "connection refused", as Go's syscall.Errno text. */
static void error_text(int e, char *out, size_t size) {
  snprintf(out, size, "%s", strerror(e));
  if (out[0]) out[0] = (char)tolower((unsigned char)out[0]);
}

/*
 * An errno's name, as Node's `code` gives it ("EBADF"); "UNKNOWN", as Node's, for one it has no
 * name for. The C library names it where it can (glibc 2.32+: strerrorname_np); the table is for
 * the others (musl), and covers what open, setns, socket and ioctl return.
 */
static const char *errno_code(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOMEM: return "ENOMEM";
    case ENOBUFS: return "ENOBUFS";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTTY: return "ENOTTY";
    case ENXIO: return "ENXIO";
    case ENODEV: return "ENODEV";
    case EROFS: return "EROFS";
    case EBUSY: return "EBUSY";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case EFAULT: return "EFAULT";
    case EUSERS: return "EUSERS";
    case ENOSYS: return "ENOSYS";
    case EIO: return "EIO";
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np(e);
  if (name) return name;
#endif
  return "UNKNOWN";
}

/* Throws the Error described atop; `path` (NULL: none) is the file the call was about. */
static napi_value throw_errno(napi_env env, int e, const char *syscall, const char *path) {
  char text[128];
  error_text(e, text, sizeof text);
  napi_value msg, err, v;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &err);
  napi_create_int32(env, e, &v);
  napi_set_named_property(env, err, "errno", v);
  napi_create_string_utf8(env, errno_code(e), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "code", v);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "syscall", v);
  if (path) {
    napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, err, "path", v);
  }
  napi_throw(env, err);
  return NULL;
}

/* The call's first `n` (≤ 3) arguments, the first a non-empty path string (into `path`); 0 if not. */
static int path_call(napi_env env, napi_callback_info info, size_t n, napi_value *argv, char *path) {
  size_t argc = n, len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  return argc >= n && napi_get_value_string_utf8(env, argv[0], path, PATH_MAX, &len) == napi_ok && len > 0 && len < PATH_MAX - 1;
}

#define SELF_NS "/proc/thread-self/ns/net"

/* The agent thread's own network namespace (socketIn's way back), or why it could not be opened. */
struct home {
  int fd;         /* /proc/thread-self/ns/net, opened by the module's init; -1 if that failed */
  int open_errno; /* that open's errno, which socketIn reports (an ENOENT without /proc, an EMFILE) */
};

/* socketIn(path: string, family: 4 | 6): number */
static napi_value js_socket_in(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char path[PATH_MAX];
  int32_t family = 0;
  if (!path_call(env, info, 2, argv, path) || napi_get_value_int32(env, argv[1], &family) != napi_ok || (family != 4 && family != 6)) {
    napi_throw_type_error(env, NULL, "socketIn(path: string, family: 4 | 6)");
    return NULL;
  }
  /* Where this thread is, to come back to: opened by the module's init on this env's thread. */
  struct home *self = NULL;
  if (napi_get_instance_data(env, (void **)&self) != napi_ok || !self) return throw_errno(env, EBADF, "open", SELF_NS);
  if (self->fd < 0) return throw_errno(env, self->open_errno, "open", SELF_NS);
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) return throw_errno(env, errno, "open", path);
  if (setns(target, CLONE_NEWNET) < 0) {
    int e = errno;
    close(target);
    return throw_errno(env, e, "setns", path);
  }
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int e = errno;
  if (setns(self->fd, CLONE_NEWNET) < 0) {
    fprintf(stderr, "kubito node-agent addon: cannot return to the agent's network namespace: %s\n", strerror(errno));
    abort();
  }
  close(target);
  if (fd < 0) return throw_errno(env, e, "socket", NULL);
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

/* setWinsize(path: string, rows: number, cols: number): undefined */
static napi_value js_set_winsize(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char path[PATH_MAX];
  uint32_t rows = 0, cols = 0;
  if (!path_call(env, info, 3, argv, path) || napi_get_value_uint32(env, argv[1], &rows) != napi_ok || napi_get_value_uint32(env, argv[2], &cols) != napi_ok || rows > 65535 ||
      cols > 65535) {
    napi_throw_type_error(env, NULL, "setWinsize(path: string, rows: number, cols: number)");
    return NULL;
  }
  int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, errno, "open", path);
  struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  int r = ioctl(fd, TIOCSWINSZ, &ws);
  int e = errno;
  close(fd);
  if (r < 0) return throw_errno(env, e, "ioctl", path);
  return NULL;
}

/* strerror(errno: number): string */
static napi_value js_strerror(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t e = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &e) != napi_ok) {
    napi_throw_type_error(env, NULL, "strerror(errno: number)");
    return NULL;
  }
  char text[128];
  error_text(e < 0 ? -e : e, text, sizeof text);
  napi_value out;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out);
  return out;
}

static void free_self(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  struct home *self = data;
  if (self->fd >= 0) close(self->fd);
  free(self);
}

NAPI_MODULE_INIT() {
  /* The namespace of the thread that loads the module (an env's JS thread, where it is called). */
  struct home *self = malloc(sizeof *self);
  if (!self) return NULL;
  self->fd = open(SELF_NS, O_RDONLY | O_CLOEXEC);
  self->open_errno = self->fd < 0 ? errno : 0;
  napi_set_instance_data(env, self, free_self, NULL);
  napi_value f;
  napi_create_function(env, "socketIn", NAPI_AUTO_LENGTH, js_socket_in, NULL, &f);
  napi_set_named_property(env, exports, "socketIn", f);
  napi_create_function(env, "strerror", NAPI_AUTO_LENGTH, js_strerror, NULL, &f);
  napi_set_named_property(env, exports, "strerror", f);
  napi_create_function(env, "setWinsize", NAPI_AUTO_LENGTH, js_set_winsize, NULL, &f);
  napi_set_named_property(env, exports, "setWinsize", f);
  return exports;
}
