/*
 * kubito's native TCP forwarder for the host listeners the node agent is handed
 * (src/hostports/native-forwarder.ts loads it; build/hostports-fwd.node, built by
 * scripts/build-native.js). One engine per process: an epoll set served by its own thread (or,
 * with KUBITO_HOSTPORTS_ENGINE=loop, for measurement, from a uv_poll on Node's loop).
 *
 * Per listener (a dup of the handed listening socket, owned here from `listen` until
 * `close`/`destroy`): accept4; a client outside the source ranges is reset (SO_LINGER 0);
 * a non-blocking connect to the listener's current target (the calling process's network
 * namespace); bytes move both ways with recv/send through a 16 KiB buffer per direction, held
 * only while it holds bytes (io 0, the default: cheaper for request/response traffic), or with
 * splice() through a pipe per direction (io 1). EOF one way: shutdown(SHUT_WR) the other side once its
 * pipe is drained; both ways done: close. A connect that fails or takes longer than
 * CONNECT_TIMEOUT_MS, or an error on either side, resets both. `close`: the listening socket
 * is closed at once (the port is free when the call returns), open connections go on;
 * `destroy`: the same, and every connection of the listener is reset.
 *
 * Threads: the engine's state is guarded by one mutex, taken by the thread once per epoll
 * batch and by the JS calls. Structures are freed only by the engine thread at the end of a
 * batch (the events it holds may point at what a JS call killed: killed ones are marked
 * dead and skipped). Nothing is thrown from the thread: failures are counted.
 * Bounds: max connections (`engine`), 64 accepts per wake, pools of at most POOL pipes/buffers,
 * MAX_RANGES source ranges, one 64 KiB pipe (or 16 KiB buffer) per direction.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF 16384
#define PIPE_CHUNK 65536
#define POOL 256
#define MAX_RANGES 64
#define ACCEPTS_PER_WAKE 64
#define EVENTS 256
#define CONNECT_TIMEOUT_MS 5000
#define TAG_LISTENER 0u
#define TAG_SIDE0 1u
#define TAG_SIDE1 2u
#define TAG_WAKE 3u

enum { CONNECTING = 1, OPEN = 2, DEAD = 3 };
/* Per-listener counters, in the order `stats` returns them. */
enum { ST_ACCEPTED, ST_ACTIVE, ST_REFUSED_SOURCE, ST_OVER_LIMIT, ST_CONNECT_FAILED, ST_RESET, ST_ERRORS, ST_N };

typedef struct listener listener;
typedef struct conn conn;

struct conn {
  conn *prev, *next;   /* the listener's connections */
  conn *cprev, *cnext; /* the engine's connecting FIFO (oldest first) */
  conn *dead_next;
  listener *l;
  int fd[2];           /* 0: client, 1: upstream; direction d reads fd[d], writes fd[1-d] */
  int pipe[2][2];      /* splice: direction d's pipe (read end, write end), -1 when none */
  char *buf[2];        /* copy: direction d's buffer, allocated at its first read */
  size_t off[2], n[2]; /* bytes waiting in direction d (buffer: from off) */
  uint8_t eof[2], shut[2], state, splice;
  uint8_t hup[2]; /* side s reported EPOLLRDHUP/HUP/ERR: its FIN may be waiting, read to EAGAIN */
  uint64_t started_ms;
};

struct listener {
  listener *next;
  int32_t id;
  int fd; /* -1 once closed */
  uint8_t splice, paused, freeing;
  struct sockaddr_in target;
  int restricted; /* source ranges given: only clients inside one are served */
  uint32_t nranges, net[MAX_RANGES], mask[MAX_RANGES];
  conn *conns;
  double st[ST_N];
};

static struct {
  pthread_mutex_t mu;
  int started, ep, wake;
  pthread_t thread;
  listener *listeners;
  conn *connecting_head, *connecting_tail, *dead;
  int32_t next_id;
  uint32_t active, max_conns;
  int pool[POOL][2];
  int pooled;
  char *bufs[POOL]; /* free copy buffers */
  int nbufs;
  double errors; /* engine-wide failures without a listener (epoll_wait) */
} E = {.mu = PTHREAD_MUTEX_INITIALIZER, .ep = -1, .wake = -1, .next_id = 1, .max_conns = 8192};

static uint64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void reset_close(int fd) {
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

static int pipe_get(int p[2]) {
  if (E.pooled > 0) {
    E.pooled--;
    p[0] = E.pool[E.pooled][0];
    p[1] = E.pool[E.pooled][1];
    return 0;
  }
  return pipe2(p, O_NONBLOCK | O_CLOEXEC);
}

/* An empty pipe goes back to the pool; one holding bytes (a reset) is closed. */
static void pipe_put(int p[2], size_t held) {
  if (p[0] < 0) return;
  if (held == 0 && E.pooled < POOL) {
    E.pool[E.pooled][0] = p[0];
    E.pool[E.pooled][1] = p[1];
    E.pooled++;
  } else {
    close(p[0]);
    close(p[1]);
  }
  p[0] = p[1] = -1;
}

/* Copy buffers are held only while they hold bytes; free ones wait in a bounded pool. */
static char *buf_get(void) { return E.nbufs > 0 ? E.bufs[--E.nbufs] : malloc(BUF); }

static void buf_put(char **b) {
  if (!*b) return;
  if (E.nbufs < POOL) E.bufs[E.nbufs++] = *b;
  else free(*b);
  *b = NULL;
}

static void connecting_unlink(conn *c) {
  if (c->cprev) c->cprev->cnext = c->cnext;
  else if (E.connecting_head == c) E.connecting_head = c->cnext;
  if (c->cnext) c->cnext->cprev = c->cprev;
  else if (E.connecting_tail == c) E.connecting_tail = c->cprev;
  c->cprev = c->cnext = NULL;
}

/* Ends a connection (reset: SO_LINGER 0 on both sides). Freed later by the engine thread. */
static void conn_kill(conn *c, int reset) {
  if (c->state == DEAD) return;
  if (c->state == CONNECTING) connecting_unlink(c);
  for (int i = 0; i < 2; i++) {
    if (c->fd[i] >= 0) {
      if (reset) reset_close(c->fd[i]);
      else close(c->fd[i]);
      c->fd[i] = -1;
    }
    pipe_put(c->pipe[i], c->n[i]);
    buf_put(&c->buf[i]);
  }
  listener *l = c->l;
  if (c->prev) c->prev->next = c->next;
  else l->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  l->st[ST_ACTIVE]--;
  if (reset) l->st[ST_RESET]++;
  E.active--;
  c->state = DEAD;
  c->dead_next = E.dead;
  E.dead = c;
}

/*
 * Moves what direction d can move now. Returns -1 on an error (the caller resets).
 * Copy mode reads again after a short recv only when side d has reported a hang-up: a short
 * recv drained the socket, and with edge-triggered epoll any later byte or FIN raises a new
 * event — except a FIN already announced, hence hup[d]. (Saves a recv returning EAGAIN per
 * message. Not for splice: a splice into a pipe may stop short with bytes left.)
 */
static int pump(conn *c, int d) {
  int in = c->fd[d], out = c->fd[1 - d];
  int drained = 0;
  for (;;) {
    if (c->n[d] > 0) {
      ssize_t w = c->splice ? splice(c->pipe[d][0], NULL, out, NULL, c->n[d], SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
                            : send(out, c->buf[d] + c->off[d], c->n[d], MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        c->n[d] -= (size_t)w;
        c->off[d] = c->n[d] ? c->off[d] + (size_t)w : 0;
        if (c->n[d] == 0 && drained) {
          buf_put(&c->buf[d]);
          return 0;
        }
        continue;
      }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0; /* EPOLLOUT on out resumes */
      return -1;
    }
    if (c->eof[d]) {
      if (!c->shut[d]) {
        c->shut[d] = 1;
        /* The other way done too: both are closed next, and close sends the FIN. */
        if (!c->shut[1 - d]) shutdown(out, SHUT_WR);
      }
      return 0;
    }
    ssize_t r;
    if (c->splice) {
      if (c->pipe[d][0] < 0 && pipe_get(c->pipe[d]) < 0) return -1;
      r = splice(in, NULL, c->pipe[d][1], NULL, PIPE_CHUNK, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    } else {
      if (!c->buf[d] && !(c->buf[d] = buf_get())) return -1;
      r = recv(in, c->buf[d], BUF, MSG_DONTWAIT);
      if (r <= 0) { /* empty: back to the pool */
        int e = errno;
        buf_put(&c->buf[d]);
        errno = e;
      }
    }
    if (r > 0) {
      c->n[d] = (size_t)r;
      drained = !c->splice && r < BUF && !c->hup[d];
    }
    else if (r == 0) c->eof[d] = 1;
    else if (errno == EINTR) continue;
    else if (errno == EAGAIN || errno == EWOULDBLOCK) return 0; /* EPOLLIN on in resumes */
    else return -1;
  }
}

static void conn_pump(conn *c, int d0, int d1) {
  if ((d0 && pump(c, 0) < 0) || (d1 && pump(c, 1) < 0)) {
    conn_kill(c, 1);
    return;
  }
  if (c->shut[0] && c->shut[1]) conn_kill(c, 0);
}

static int allowed(const listener *l, const struct sockaddr_storage *sa) {
  if (!l->restricted) return 1;
  uint32_t ip;
  if (sa->ss_family == AF_INET) ip = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
  else if (sa->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&((const struct sockaddr_in6 *)sa)->sin6_addr)) {
    const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr + 12;
    ip = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
  } else return 0;
  for (uint32_t i = 0; i < l->nranges; i++)
    if ((ip & l->mask[i]) == (l->net[i] & l->mask[i])) return 1;
  return 0;
}

static int ep_add(int fd, uint32_t events, void *p, uint32_t tag) {
  struct epoll_event ev = {.events = events, .data.u64 = (uint64_t)(uintptr_t)p | tag};
  return epoll_ctl(E.ep, EPOLL_CTL_ADD, fd, &ev);
}

static void on_accept(listener *l) {
  for (int i = 0; i < ACCEPTS_PER_WAKE && l->fd >= 0; i++) {
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    int fd = accept4(l->fd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      l->st[ST_ERRORS]++;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        /* Out of descriptors or memory: stop listening a while (re-armed by the sweep). */
        struct epoll_event ev = {.events = 0, .data.u64 = (uint64_t)(uintptr_t)l | TAG_LISTENER};
        epoll_ctl(E.ep, EPOLL_CTL_MOD, l->fd, &ev);
        l->paused = 1;
      }
      return;
    }
    if (!allowed(l, &sa)) {
      l->st[ST_REFUSED_SOURCE]++;
      reset_close(fd);
      continue;
    }
    if (E.active >= E.max_conns) {
      l->st[ST_OVER_LIMIT]++;
      reset_close(fd);
      continue;
    }
    conn *c = calloc(1, sizeof *c);
    int up = c ? socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) : -1;
    if (up < 0) {
      l->st[ST_ERRORS]++;
      free(c);
      reset_close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    l->st[ST_ACCEPTED]++;
    c->l = l;
    c->fd[0] = fd;
    c->fd[1] = up;
    c->pipe[0][0] = c->pipe[0][1] = c->pipe[1][0] = c->pipe[1][1] = -1;
    c->splice = l->splice;
    c->started_ms = now_ms();
    c->next = l->conns;
    if (l->conns) l->conns->prev = c;
    l->conns = c;
    l->st[ST_ACTIVE]++;
    E.active++;
    int r = connect(up, (const struct sockaddr *)&l->target, sizeof l->target);
    c->state = r == 0 ? OPEN : CONNECTING;
    uint32_t evs = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    if ((r < 0 && errno != EINPROGRESS) || ep_add(fd, evs, c, TAG_SIDE0) < 0 || ep_add(up, evs, c, TAG_SIDE1) < 0) {
      l->st[ST_CONNECT_FAILED]++;
      c->state = OPEN; /* not in the FIFO */
      conn_kill(c, 1);
      continue;
    }
    if (c->state == CONNECTING) {
      c->cprev = E.connecting_tail;
      if (E.connecting_tail) E.connecting_tail->cnext = c;
      else E.connecting_head = c;
      E.connecting_tail = c;
    }
  }
}

static void on_conn(conn *c, int side, uint32_t events) {
  if (c->state == DEAD) return;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->hup[side] = 1;
  if (c->state == CONNECTING) {
    if (side != 1) return; /* the client waits (edge-triggered: its bytes are read once open) */
    /*
     * A failed connect reports EPOLLERR (with HUP), a done one EPOLLOUT: no SO_ERROR read
     * (haproxy reads none either). The target's direction is read now only when it has
     * spoken or closed already (EPOLLIN, EPOLLRDHUP): a request/response target speaks after
     * the request, and a recv returning EAGAIN per new connection was the rule; a later byte
     * raises EPOLLIN (edge-triggered) on the open connection.
     */
    if (events & (EPOLLERR | EPOLLHUP)) {
      c->l->st[ST_CONNECT_FAILED]++;
      conn_kill(c, 1);
      return;
    }
    if (!(events & EPOLLOUT)) return;
    connecting_unlink(c);
    c->state = OPEN;
    conn_pump(c, 1, (events & (EPOLLIN | EPOLLRDHUP)) != 0);
    return;
  }
  int all = (events & (EPOLLERR | EPOLLHUP)) != 0;
  /*
   * Readable side s feeds direction s; writable side s drains direction 1-s, which has work
   * only with bytes waiting (an empty direction reads on its own EPOLLIN: write-space events
   * after each ACK would otherwise cost a recv returning EAGAIN).
   */
  int rd = all || (events & (EPOLLIN | EPOLLRDHUP)), wr = all || (events & EPOLLOUT);
  int d0 = side == 0 ? rd : wr && (all || c->n[0] > 0), d1 = side == 0 ? wr && (all || c->n[1] > 0) : rd;
  conn_pump(c, d0, d1);
}

static void sweep(uint64_t now) {
  while (E.connecting_head && now - E.connecting_head->started_ms >= CONNECT_TIMEOUT_MS) {
    conn *c = E.connecting_head;
    c->l->st[ST_CONNECT_FAILED]++;
    conn_kill(c, 1);
  }
  for (listener *l = E.listeners; l; l = l->next) {
    if (!l->paused || l->fd < 0) continue;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)(uintptr_t)l | TAG_LISTENER};
    if (epoll_ctl(E.ep, EPOLL_CTL_MOD, l->fd, &ev) == 0) l->paused = 0;
  }
}

/* Frees what died in this batch and listeners closed with no connection left. */
static void reap(void) {
  while (E.dead) {
    conn *c = E.dead;
    E.dead = c->dead_next;
    free(c);
  }
  for (listener **pl = &E.listeners; *pl;) {
    listener *l = *pl;
    if (l->fd < 0 && !l->conns) {
      *pl = l->next;
      free(l);
    } else pl = &l->next;
  }
}

/* Whether something waits on a timeout (a dial, a paused listener); under E.mu. */
static int wants_sweep(void) {
  if (E.connecting_head) return 1;
  for (listener *l = E.listeners; l; l = l->next)
    if (l->paused) return 1;
  return 0;
}

/* One epoll batch: waits up to timeout ms (0: no wait), handles the events, sweeps, reaps. */
static void engine_batch(int timeout) {
  static uint64_t last_sweep;
  struct epoll_event evs[EVENTS];
  int n = epoll_wait(E.ep, evs, EVENTS, timeout);
  pthread_mutex_lock(&E.mu);
  if (n < 0 && errno != EINTR) E.errors++;
  for (int i = 0; i < n; i++) {
    uint64_t u = evs[i].data.u64;
    uint32_t tag = (uint32_t)(u & 3u);
    void *p = (void *)(uintptr_t)(u & ~(uint64_t)3u);
    if (tag == TAG_WAKE) {
      uint64_t v;
      if (read(E.wake, &v, sizeof v) < 0) { /* nothing to read: fine */ }
    } else if (tag == TAG_LISTENER) {
      listener *l = p;
      if (l->fd >= 0) on_accept(l);
    } else on_conn(p, tag == TAG_SIDE1, evs[i].events);
  }
  uint64_t now = now_ms();
  if (now - last_sweep >= 100 || n == 0) {
    sweep(now);
    last_sweep = now;
  }
  reap();
  pthread_mutex_unlock(&E.mu);
}

static void *engine_main(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&E.mu);
    int timeout = wants_sweep() ? 250 : -1;
    pthread_mutex_unlock(&E.mu);
    engine_batch(timeout);
  }
  return NULL;
}

/*
 * The other way to run the engine, for measurement (KUBITO_HOSTPORTS_ENGINE=loop): no thread,
 * the epoll set is watched by a uv_poll on Node's loop (an epoll fd is itself pollable) and a
 * 250 ms uv_timer sweeps; both unref'd, so they never keep the process alive.
 */
static uv_poll_t loop_poll;
static uv_timer_t loop_timer;
static void on_loop_poll(uv_poll_t *h, int status, int events) {
  (void)h, (void)status, (void)events;
  engine_batch(0);
}
static void on_loop_timer(uv_timer_t *t) {
  (void)t;
  engine_batch(0);
}

/* Starts the engine once; under E.mu. */
static const char *engine_start(napi_env env) {
  if (E.started) return NULL;
  if (E.ep < 0 && (E.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) return "epoll_create1 failed";
  if (E.wake < 0 && (E.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) return "eventfd failed";
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_WAKE};
  if (epoll_ctl(E.ep, EPOLL_CTL_ADD, E.wake, &ev) < 0 && errno != EEXIST) return "epoll_ctl(eventfd) failed";
  const char *mode = getenv("KUBITO_HOSTPORTS_ENGINE");
  if (mode && strcmp(mode, "loop") == 0) {
    uv_loop_t *loop;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) return "no event loop";
    if (uv_poll_init(loop, &loop_poll, E.ep) != 0 || uv_poll_start(&loop_poll, UV_READABLE, on_loop_poll) != 0) return "uv_poll failed";
    uv_timer_init(loop, &loop_timer);
    uv_timer_start(&loop_timer, on_loop_timer, 250, 250);
    uv_unref((uv_handle_t *)&loop_poll);
    uv_unref((uv_handle_t *)&loop_timer);
    E.started = 1;
    return NULL;
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread takes no signal: Node's stay Node's */
  int r = pthread_create(&E.thread, NULL, engine_main, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (r != 0) return "pthread_create failed";
  pthread_detach(E.thread);
  E.started = 1;
  return NULL;
}

static void wake(void) {
  uint64_t one = 1;
  if (write(E.wake, &one, sizeof one) < 0) { /* the counter is full: the thread wakes anyway */ }
}

static listener *find(int32_t id) {
  for (listener *l = E.listeners; l; l = l->next)
    if (l->id == id && l->fd >= 0) return l;
  return NULL;
}

/* ---- N-API ---- */

static napi_value throw_msg(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* target ip (uint32, host order), port, ranges (flat [net, mask, ...] or null) into l. */
static const char *read_target(napi_env env, napi_value *argv, listener *l) {
  uint32_t ip, port;
  if (napi_get_value_uint32(env, argv[0], &ip) != napi_ok || napi_get_value_uint32(env, argv[1], &port) != napi_ok || port == 0 || port > 65535)
    return "target: ip and port must be numbers (port 1-65535)";
  napi_valuetype t;
  napi_typeof(env, argv[2], &t);
  uint32_t n = 0, net[MAX_RANGES], mask[MAX_RANGES];
  int restricted = 0;
  if (t != napi_null && t != napi_undefined) {
    bool is;
    uint32_t len;
    if (napi_is_array(env, argv[2], &is) != napi_ok || !is || napi_get_array_length(env, argv[2], &len) != napi_ok || len % 2 || len / 2 > MAX_RANGES)
      return "ranges: a flat array of [net, mask] pairs (at most 64)";
    restricted = 1;
    for (uint32_t i = 0; i < len; i++) {
      napi_value v;
      uint32_t x;
      if (napi_get_element(env, argv[2], i, &v) != napi_ok || napi_get_value_uint32(env, v, &x) != napi_ok) return "ranges: numbers";
      if (i % 2) mask[i / 2] = x;
      else net[i / 2] = x;
    }
    n = len / 2;
  }
  memset(&l->target, 0, sizeof l->target);
  l->target.sin_family = AF_INET;
  l->target.sin_addr.s_addr = htonl(ip);
  l->target.sin_port = htons((uint16_t)port);
  l->restricted = restricted;
  l->nranges = n;
  memcpy(l->net, net, n * sizeof net[0]);
  memcpy(l->mask, mask, n * sizeof mask[0]);
  return NULL;
}

/* listen(fd, ip, port, ranges, io): dups fd (the caller closes its own), returns the id. */
static napi_value js_listen(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) return throw_msg(env, "listen(fd, ip, port, ranges, io)");
  int32_t fd, io;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) return throw_msg(env, "fd: a descriptor");
  if (napi_get_value_int32(env, argv[4], &io) != napi_ok) return throw_msg(env, "io: 0 (copy) or 1 (splice)");
  listener *l = calloc(1, sizeof *l);
  if (!l) return throw_msg(env, "out of memory");
  const char *bad = read_target(env, argv + 1, l);
  if (bad) {
    free(l);
    return throw_msg(env, bad);
  }
  int type = 0;
  socklen_t tl = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 || type != SOCK_STREAM) {
    free(l);
    return throw_msg(env, "fd is not a stream socket");
  }
  pthread_mutex_lock(&E.mu);
  const char *why = engine_start(env);
  int dup_fd = why ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (!why && dup_fd < 0) why = "dup failed";
  if (!why) {
    fcntl(dup_fd, F_SETFL, fcntl(dup_fd, F_GETFL) | O_NONBLOCK);
    l->fd = dup_fd;
    l->splice = io != 0;
    l->id = E.next_id++;
    if (E.next_id <= 0) E.next_id = 1;
    if (ep_add(dup_fd, EPOLLIN, l, TAG_LISTENER) < 0) {
      why = "epoll_ctl failed";
      close(dup_fd);
    }
  }
  if (why) {
    pthread_mutex_unlock(&E.mu);
    free(l);
    return throw_msg(env, why);
  }
  l->next = E.listeners;
  E.listeners = l;
  int32_t id = l->id;
  pthread_mutex_unlock(&E.mu);
  napi_value out;
  napi_create_int32(env, id, &out);
  return out;
}

static int32_t arg_id(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t id = -1;
  if (argc < want || napi_get_value_int32(env, argv[0], &id) != napi_ok) return -1;
  return id;
}

static napi_value bool_value(napi_env env, int b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

/* update(id, ip, port, ranges): new connections use the new target and ranges. */
static napi_value js_update(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t id = arg_id(env, info, 4, argv);
  listener tmp;
  const char *bad = read_target(env, argv + 1, &tmp);
  if (bad) return throw_msg(env, bad);
  pthread_mutex_lock(&E.mu);
  listener *l = find(id);
  if (l) {
    l->target = tmp.target;
    l->restricted = tmp.restricted;
    l->nranges = tmp.nranges;
    memcpy(l->net, tmp.net, sizeof tmp.net);
    memcpy(l->mask, tmp.mask, sizeof tmp.mask);
  }
  pthread_mutex_unlock(&E.mu);
  return bool_value(env, l != NULL);
}

static napi_value stop(napi_env env, napi_callback_info info, int reset) {
  napi_value argv[1];
  int32_t id = arg_id(env, info, 1, argv);
  pthread_mutex_lock(&E.mu);
  listener *l = find(id);
  if (l) {
    epoll_ctl(E.ep, EPOLL_CTL_DEL, l->fd, NULL);
    close(l->fd);
    l->fd = -1;
    while (reset && l->conns) conn_kill(l->conns, 1);
    wake();
  }
  pthread_mutex_unlock(&E.mu);
  return bool_value(env, l != NULL);
}

/* close(id): the port is free on return; open connections go on. */
static napi_value js_close(napi_env env, napi_callback_info info) { return stop(env, info, 0); }
/* destroy(id): close, and reset every connection of the listener. */
static napi_value js_destroy(napi_env env, napi_callback_info info) { return stop(env, info, 1); }

/* stats(id): [accepted, active, refusedSource, overLimit, connectFailed, reset, errors], or null. */
static napi_value js_stats(napi_env env, napi_callback_info info) {
  napi_value argv[1], out, v;
  int32_t id = arg_id(env, info, 1, argv);
  double st[ST_N];
  pthread_mutex_lock(&E.mu);
  listener *l = NULL;
  for (listener *x = E.listeners; x; x = x->next)
    if (x->id == id) l = x;
  if (l) memcpy(st, l->st, sizeof st);
  pthread_mutex_unlock(&E.mu);
  if (!l) {
    napi_get_null(env, &out);
    return out;
  }
  napi_create_array_with_length(env, ST_N, &out);
  for (uint32_t i = 0; i < ST_N; i++) {
    napi_create_double(env, st[i], &v);
    napi_set_element(env, out, i, v);
  }
  return out;
}

/* engine(maxConns?): sets the connection bound (0 keeps it); returns [active, maxConns, pooledPipes, errors]. */
static napi_value js_engine(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t max = 0;
  if (argc >= 1) napi_get_value_uint32(env, argv[0], &max);
  pthread_mutex_lock(&E.mu);
  if (max > 0) E.max_conns = max;
  double vals[4] = {E.active, E.max_conns, E.pooled, E.errors};
  pthread_mutex_unlock(&E.mu);
  napi_create_array_with_length(env, 4, &out);
  for (uint32_t i = 0; i < 4; i++) {
    napi_create_double(env, vals[i], &v);
    napi_set_element(env, out, i, v);
  }
  return out;
}

NAPI_MODULE_INIT() {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    {"listen", js_listen}, {"update", js_update}, {"close", js_close}, {"destroy", js_destroy}, {"stats", js_stats}, {"engine", js_engine},
  };
  napi_value f;
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
