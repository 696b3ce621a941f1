/*
 * kubito-spawner: starts the proxy's streamed commands (a full sync's iptables-restore) so that
 * the proxy's Node process does not fork itself for each: Node forks by copying its page
 * tables (~6-13 ms of its CPU per spawn on a 2-vCPU VM, its event loop stopped meanwhile, and
 * every page it writes afterwards faults once), this small process forks in well under one.
 * One command at a time; the caller writes (stdin, binary-safe):
 *
 *   start <n>\n<n bytes>   argv, each argument NUL-terminated; the command starts at once,
 *                          its stdin a new pipe, its stdout and stderr kept (memory files)
 *   data <n>\n<n bytes>    to the command's stdin (dropped once it stopped reading)
 *   end\n                  close its stdin and wait for it
 *   kill\n                 SIGKILL it, then as `end`
 *
 * and reads, after `end` or `kill`:
 *
 *   exit <code> <o> <e>\n<o bytes of its stdout><e bytes of its stderr>
 *
 * code: its exit status; -1 when a signal ended it or it could not be started (then the
 * stderr part says `spawn <program> <errno name>`, as Node's spawn does). The spawner ends
 * at the end of its stdin (SIGKILLing a command still running: its input is incomplete, its
 * caller gone), or on a protocol error (exit 1, the reason on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Buffered reads of stdin (fd 0). */
static char in_buf[1 << 16];
static size_t in_at, in_len;
static int in_eof;

static int fill(void) {
  if (in_at < in_len) return 1;
  if (in_eof) return 0;
  for (;;) {
    ssize_t n = read(0, in_buf, sizeof(in_buf));
    if (n > 0) {
      in_at = 0;
      in_len = (size_t)n;
      return 1;
    }
    if (n < 0 && errno == EINTR) continue;
    in_eof = 1;
    return 0;
  }
}

/* One line into line (without its newline); 0 at the end of stdin, -1 when too long. */
static int read_line(char *line, size_t cap) {
  size_t len = 0;
  for (;;) {
    if (!fill()) return len ? -1 : 0;
    char c = in_buf[in_at++];
    if (c == '\n') {
      line[len] = 0;
      return 1;
    }
    if (len + 1 >= cap) return -1;
    line[len++] = c;
  }
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Moves n bytes of stdin to fd (fd < 0: drops them); 0 when stdin ended first. */
static int relay(size_t n, int *fd) {
  while (n > 0) {
    if (!fill()) return 0;
    size_t take = in_len - in_at < n ? in_len - in_at : n;
    if (*fd >= 0 && write_all(*fd, in_buf + in_at, take) < 0) {
      /* It stopped reading (EPIPE): the rest is dropped; its exit status tells why. */
      close(*fd);
      *fd = -1;
    }
    in_at += take;
    n -= take;
  }
  return 1;
}

/* Reads n bytes of stdin into a new buffer; NULL when stdin ended first. */
static char *read_exact(size_t n) {
  char *p = malloc(n + 1);
  if (!p) return NULL;
  for (size_t got = 0; got < n;) {
    if (!fill()) {
      free(p);
      return NULL;
    }
    size_t take = in_len - in_at < n - got ? in_len - in_at : n - got;
    memcpy(p + got, in_buf + in_at, take);
    in_at += take;
    got += take;
  }
  p[n] = 0;
  return p;
}

/* The most bytes of argv a start request may bring (Linux's own limit for exec is about this). */
#define MAX_ARGS (2u << 20)
#define MAX_ARGS_TEXT "2 MiB"

struct command {
  pid_t pid;
  int stdin_fd; /* -1 once closed */
  int out, err; /* memory files holding its stdout and stderr */
  int failed;   /* could not be started: code -1 */
};

/* Starts argv (count strings in args); fills *c. */
static void start(char *args, size_t n, struct command *c) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += args[i] == 0;
  char **argv = calloc(count + 1, sizeof(*argv));
  memset(c, 0, sizeof(*c));
  c->stdin_fd = -1;
  c->out = memfd_create("kubito-spawner-out", MFD_CLOEXEC);
  c->err = memfd_create("kubito-spawner-err", MFD_CLOEXEC);
  int in[2] = {-1, -1}, report[2] = {-1, -1};
  if (!argv || count == 0 || c->out < 0 || c->err < 0 || pipe2(in, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0) {
    if (c->err >= 0) dprintf(c->err, "spawn: %s\n", count == 0 ? "no program" : strerror(errno));
    if (in[0] >= 0) close(in[0]);
    if (in[1] >= 0) close(in[1]);
    c->failed = 1;
    goto out;
  }
  for (size_t i = 0, at = 0; i < count; i++) {
    argv[i] = args + at;
    at += strlen(args + at) + 1;
  }
  pid_t pid = fork();
  if (pid == 0) {
    /* The child: its stdio, default signal handling (Node's children get the same), exec. */
    dup2(in[0], 0);
    dup2(c->out, 1);
    dup2(c->err, 2);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[0], argv);
    int e = errno;
    (void)!write(report[1], &e, sizeof(e));
    _exit(127);
  }
  close(in[0]);
  close(report[1]);
  if (pid < 0) {
    dprintf(c->err, "spawn %s %s\n", argv[0], strerrorname_np(errno) ? strerrorname_np(errno) : strerror(errno));
    close(in[1]);
    close(report[0]);
    c->failed = 1;
    goto out;
  }
  /* The report pipe closes at the exec (CLOEXEC), or brings the errno of a failed one. */
  int e;
  ssize_t r;
  do r = read(report[0], &e, sizeof(e));
  while (r < 0 && errno == EINTR);
  close(report[0]);
  c->pid = pid;
  if (r == (ssize_t)sizeof(e)) {
    dprintf(c->err, "spawn %s %s\n", argv[0], strerrorname_np(e) ? strerrorname_np(e) : strerror(e));
    close(in[1]);
    c->failed = 1;
  } else {
    c->stdin_fd = in[1];
  }
out:
  free(argv);
}

/* Writes a memory file's content to stdout. */
static int send_file(int fd, off_t size) {
  char buf[1 << 16];
  for (off_t at = 0; at < size;) {
    ssize_t n = pread(fd, buf, sizeof(buf), at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    if (write_all(1, buf, (size_t)n) < 0) return -1;
    at += n;
  }
  return 0;
}

/* Closes its stdin (killing it first when asked), waits for it, answers. */
static int finish(struct command *c, int kill_it) {
  if (kill_it && c->pid > 0 && !c->failed) kill(c->pid, SIGKILL);
  if (c->stdin_fd >= 0) close(c->stdin_fd);
  c->stdin_fd = -1;
  int code = -1;
  if (c->pid > 0) {
    int status;
    pid_t w;
    do w = waitpid(c->pid, &status, 0);
    while (w < 0 && errno == EINTR);
    if (!c->failed && w == c->pid && WIFEXITED(status)) code = WEXITSTATUS(status);
  }
  struct stat so = {0}, se = {0};
  if (c->out >= 0) fstat(c->out, &so);
  if (c->err >= 0) fstat(c->err, &se);
  char head[96];
  int n = snprintf(head, sizeof(head), "exit %d %lld %lld\n", code, (long long)so.st_size, (long long)se.st_size);
  int r = write_all(1, head, (size_t)n) < 0 || send_file(c->out, so.st_size) < 0 || send_file(c->err, se.st_size) < 0 ? -1 : 0;
  if (c->out >= 0) close(c->out);
  if (c->err >= 0) close(c->err);
  memset(c, 0, sizeof(*c));
  c->stdin_fd = c->out = c->err = -1;
  return r;
}

static int protocol_error(const char *what) {
  fprintf(stderr, "kubito-spawner: %s\n", what);
  return 1;
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc != 1) return protocol_error("usage: kubito-spawner (requests on stdin)");
  signal(SIGPIPE, SIG_IGN);
  struct command c = {.stdin_fd = -1, .out = -1, .err = -1};
  int running = 0;
  char line[64];
  for (;;) {
    int got = read_line(line, sizeof(line));
    if (got == 0) break;
    if (got < 0) return protocol_error("request line too long or cut");
    unsigned long long n;
    char end;
    if (sscanf(line, "start %llu%c", &n, &end) == 1) {
      if (running) return protocol_error("start while a command runs");
      if (n > MAX_ARGS) return protocol_error("start request over " MAX_ARGS_TEXT " bytes");
      char *args = read_exact((size_t)n);
      if (!args) return protocol_error("stdin ended in a start request");
      start(args, (size_t)n, &c);
      free(args);
      running = 1;
    } else if (sscanf(line, "data %llu%c", &n, &end) == 1) {
      if (!running) return protocol_error("data without a command");
      if (!relay((size_t)n, &c.stdin_fd)) break;
    } else if (strcmp(line, "end") == 0 || strcmp(line, "kill") == 0) {
      if (!running) return protocol_error("end without a command");
      running = 0;
      if (finish(&c, line[0] == 'k') < 0) return 1;
    } else {
      return protocol_error("unknown request");
    }
  }
  /* Stdin ended with a command running: the caller is gone and that command's input is cut
   * short, so it must not run on as if complete (a half restore): killed. */
  if (running) finish(&c, 1);
  return 0;
}
