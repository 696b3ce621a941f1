/*
 * kubito-ipt-facts: what a full iptables-legacy sync needs to know of its tables, read straight
 * from the kernel (getsockopt IPT_SO_GET_INFO / IPT_SO_GET_ENTRIES) instead of through
 * iptables-legacy-save, which formats every rule (10,000 Services x 2 endpoints: ~60,000 nat
 * rules, 8.9 MB of text) when the sync reads only the chain names and the rules of the
 * built-in chains.
 *
 * Output per table, in iptables-save's syntax (so the same parsers read it):
 *   *<table>
 *   :<built-in chain> - [0:0]           one line per valid hook
 *   :<user chain> - [0:0]               one line per user-defined chain, in table order
 *   -A <built-in chain> <rule>          each rule of the built-in chains, written as
 *                                       iptables-save writes it when it has no address,
 *                                       interface or protocol part, only `comment` and
 *                                       `conntrack --ctstate NEW` matches and a jump to a user
 *                                       chain (the shape of kube-proxy's jump rules); anything
 *                                       else is `-A <chain> ?` (never equal to a jump rule)
 *   COMMIT
 *
 * Usage: kubito-ipt-facts <table>...       read the tables of this network namespace, in order
 *        kubito-ipt-facts --serve          the same per request, for as long as stdin is open:
 *                                          a line of table names in, then the answer framed
 *                                          `exit <status> <o> <e>\n` + o bytes of those tables +
 *                                          e bytes of stderr (status 0, 1 or 2 as below; the
 *                                          tables read before a failure are in it, the reason in
 *                                          its stderr); its caller forks it once, not once per
 *                                          full sync
 *        kubito-ipt-facts --dump <table>   write its raw ipt_getinfo + entries (tests)
 *        kubito-ipt-facts --file <path>    read such a dump instead of the kernel (tests, fuzz)
 * Exit: 0 read; 1 usage or system error (socket, getsockopt: message on stderr); 2 a table the
 * program cannot walk (an offset or size out of bounds). Every offset and length is checked
 * against the table's size; structures are copied out before use (no unaligned access).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>

/* Where a table's read failure is told: stderr, or under --serve that request's own answer, or
 * the addon's answer (ipt-facts-addon.c: read on a worker thread, so one per thread). */
static _Thread_local FILE *errout;

static const char *const HOOK_NAMES[NF_INET_NUMHOOKS] = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};

/* Smallest possible entry: the entry header and a target header. */
#define MIN_ENTRY (sizeof(struct ipt_entry) + sizeof(struct xt_entry_target))

struct chain {
  uint32_t start; /* offset of the chain's first rule (what a jump's verdict holds) */
  char name[XT_FUNCTION_MAXNAMELEN];
};

struct table {
  struct ipt_getinfo info;
  const unsigned char *base;
  size_t size;
  struct chain *chains;
  size_t nchains;
};

/* Copies the entry at off into *e; 0 when it does not fit the table or its offsets are bad. */
static int read_entry(const struct table *t, size_t off, struct ipt_entry *e) {
  if (off > t->size || t->size - off < sizeof(*e)) return 0;
  memcpy(e, t->base + off, sizeof(*e));
  if (e->next_offset < MIN_ENTRY || e->next_offset > t->size - off) return 0;
  if (e->target_offset < sizeof(*e) || (size_t)e->target_offset + sizeof(struct xt_entry_target) > e->next_offset) return 0;
  return 1;
}

/* The target of entry e at off: its header into *tg, its data's offset and length. */
static void read_target(const struct table *t, size_t off, const struct ipt_entry *e, struct xt_entry_target *tg, size_t *data, size_t *len) {
  memcpy(tg, t->base + off + e->target_offset, sizeof(*tg));
  tg->u.user.name[sizeof(tg->u.user.name) - 1] = 0;
  size_t room = e->next_offset - e->target_offset; /* >= sizeof(*tg), read_entry checked */
  size_t size = tg->u.user.target_size;
  if (size > room) size = room;
  *data = off + e->target_offset + sizeof(*tg);
  *len = size > sizeof(*tg) ? size - sizeof(*tg) : 0;
}

/* Collects the user chains (ERROR-target heads other than the table's final "ERROR"). */
static int collect_chains(struct table *t) {
  size_t cap = 0;
  for (size_t off = 0; off < t->size;) {
    struct ipt_entry e;
    if (!read_entry(t, off, &e)) return 2;
    struct xt_entry_target tg;
    size_t data, len;
    read_target(t, off, &e, &tg, &data, &len);
    if (strcmp(tg.u.user.name, XT_ERROR_TARGET) == 0 && len > 0) {
      struct chain c;
      size_t n = len < sizeof(c.name) ? len : sizeof(c.name);
      memset(c.name, 0, sizeof(c.name));
      memcpy(c.name, t->base + data, n);
      c.name[sizeof(c.name) - 1] = 0;
      if (strcmp(c.name, XT_ERROR_TARGET) != 0 && c.name[0]) {
        if (t->nchains == cap) {
          cap = cap ? cap * 2 : 256;
          struct chain *grown = realloc(t->chains, cap * sizeof(*grown));
          if (!grown) return 1;
          t->chains = grown;
        }
        c.start = (uint32_t)(off + e.next_offset);
        t->chains[t->nchains++] = c;
      }
    }
    off += e.next_offset;
  }
  return 0;
}

/* The user chain whose first rule is at start (chains are in table order: binary search). */
static const char *chain_at(const struct table *t, uint32_t start) {
  size_t lo = 0, hi = t->nchains;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->chains[mid].start == start) return t->chains[mid].name;
    if (t->chains[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* A bounded text buffer for one rule's line; `full` once something did not fit. */
struct line {
  char text[2048];
  size_t len;
  int full;
};

static void put(struct line *l, const char *s, size_t n) {
  if (l->full || n >= sizeof(l->text) - l->len) {
    l->full = 1;
    return;
  }
  memcpy(l->text + l->len, s, n);
  l->len += n;
  l->text[l->len] = 0;
}

static void puts_(struct line *l, const char *s) { put(l, s, strlen(s)); }

/* iptables' xtables_save_string: bare when only [_-0-9a-zA-Z], else quoted with " \ ' escaped. */
static void save_string(struct line *l, const char *s) {
  size_t plain = strspn(s, "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
  if (plain > 0 && s[plain] == 0) {
    puts_(l, " ");
    puts_(l, s);
    return;
  }
  puts_(l, " \"");
  for (; *s; s++) {
    if (*s == '"' || *s == '\\' || *s == '\'') puts_(l, "\\");
    put(l, s, 1);
  }
  puts_(l, "\"");
}

/*
 * `-m conntrack --ctstate NEW` exactly (revision 3, what iptables 1.8 writes): only the state
 * flag set, not inverted, the state NEW alone, every other field zero.
 */
static int is_ctstate_new(const struct table *t, size_t at, size_t len) {
  struct xt_conntrack_mtinfo3 info, want;
  if (len < sizeof(info)) return 0;
  memcpy(&info, t->base + at, sizeof(info));
  memset(&want, 0, sizeof(want));
  want.match_flags = XT_CONNTRACK_STATE;
  want.state_mask = XT_CONNTRACK_STATE_BIT(IP_CT_NEW);
  return memcmp(&info, &want, sizeof(info)) == 0;
}

/*
 * One rule of a built-in chain as iptables-save writes it, into *l; 0 when it is not of the
 * shape this reader writes out (no address, interface or protocol part; matches `comment` and
 * `conntrack --ctstate NEW` only; a jump to a user chain).
 */
static int rule_text(const struct table *t, size_t off, const struct ipt_entry *e, struct line *l) {
  static const struct ipt_ip any;
  if (memcmp(&e->ip, &any, sizeof(any)) != 0) return 0;
  for (size_t m = sizeof(*e); m < e->target_offset;) {
    struct xt_entry_match mh;
    if (e->target_offset - m < sizeof(mh)) return 0;
    memcpy(&mh, t->base + off + m, sizeof(mh));
    size_t size = mh.u.user.match_size;
    if (size < sizeof(mh) || size > e->target_offset - m) return 0;
    mh.u.user.name[sizeof(mh.u.user.name) - 1] = 0;
    size_t at = off + m + sizeof(mh), len = size - sizeof(mh);
    if (strcmp(mh.u.user.name, "comment") == 0 && len >= sizeof(struct xt_comment_info)) {
      struct xt_comment_info info;
      memcpy(&info, t->base + at, sizeof(info));
      info.comment[sizeof(info.comment) - 1] = 0;
      puts_(l, " -m comment --comment");
      save_string(l, info.comment);
    } else if (strcmp(mh.u.user.name, "conntrack") == 0 && mh.u.user.revision == 3 && is_ctstate_new(t, at, len)) {
      puts_(l, " -m conntrack --ctstate NEW");
    } else {
      return 0;
    }
    m += size;
  }
  struct xt_entry_target tg;
  size_t data, len;
  read_target(t, off, e, &tg, &data, &len);
  int32_t verdict;
  if (tg.u.user.name[0] != 0 || len < sizeof(verdict)) return 0;
  memcpy(&verdict, t->base + data, sizeof(verdict));
  const char *to = verdict >= 0 ? chain_at(t, (uint32_t)verdict) : NULL;
  if (!to) return 0;
  puts_(l, " -j ");
  puts_(l, to);
  return !l->full;
}

static int print_table(struct table *t, const char *name, FILE *out) {
  int r = collect_chains(t);
  if (r) return r;
  fprintf(out, "*%s\n", name);
  for (int h = 0; h < NF_INET_NUMHOOKS; h++)
    if (t->info.valid_hooks & (1u << h)) fprintf(out, ":%s - [0:0]\n", HOOK_NAMES[h]);
  for (size_t i = 0; i < t->nchains; i++) fprintf(out, ":%s - [0:0]\n", t->chains[i].name);
  for (int h = 0; h < NF_INET_NUMHOOKS; h++) {
    if (!(t->info.valid_hooks & (1u << h))) continue;
    size_t end = t->info.underflow[h];
    if (end > t->size || t->info.hook_entry[h] > end) return 2;
    for (size_t off = t->info.hook_entry[h]; off < end;) {
      struct ipt_entry e;
      if (!read_entry(t, off, &e)) return 2;
      struct line l = {.len = 0, .full = 0};
      l.text[0] = 0;
      fprintf(out, "-A %s%s\n", HOOK_NAMES[h], rule_text(t, off, &e, &l) ? l.text : " ?");
      off += e.next_offset;
    }
  }
  fputs("COMMIT\n", out);
  return 0;
}

/*
 * The kernel's copy of a table, read into memory mapped with MAP_POPULATE: the kernel fills
 * the pages in one pass instead of one page fault per 4 KiB as getsockopt copies the table
 * out (1,000 Services: a 3 MB nat table, ~760 faults; in a VM each fault is an exit), and the
 * entries are used where they landed (no second copy).
 */
struct kernel_copy {
  void *map;
  size_t len;
};

static void release(struct kernel_copy *k) {
  if (k->map) munmap(k->map, k->len);
  k->map = NULL;
}

/* The table from the kernel: info, then its entries (retried while it changes under us); through
 * `sock` (a raw IPv4 socket of the namespace to read, kept open), or one of its own when < 0. */
static int read_kernel(int sock, const char *name, struct ipt_getinfo *info, const unsigned char **entries, struct kernel_copy *k) {
  int fd = sock >= 0 ? sock : socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) {
    fprintf(errout, "kubito-ipt-facts: socket: %s\n", strerror(errno));
    return 1;
  }
  for (int attempt = 0; attempt < 5; attempt++) {
    memset(info, 0, sizeof(*info));
    snprintf(info->name, sizeof(info->name), "%s", name);
    socklen_t len = sizeof(*info);
    if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, info, &len) < 0) {
      fprintf(errout, "kubito-ipt-facts: IPT_SO_GET_INFO %s: %s\n", name, strerror(errno));
      break;
    }
    size_t total = sizeof(struct ipt_get_entries) + info->size;
    void *map = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (map == MAP_FAILED) {
      fprintf(errout, "kubito-ipt-facts: mmap %zu bytes: %s\n", total, strerror(errno));
      break;
    }
    struct ipt_get_entries *get = map;
    snprintf(get->name, sizeof(get->name), "%s", name);
    get->size = info->size;
    len = (socklen_t)total;
    if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_ENTRIES, get, &len) == 0) {
      k->map = map;
      k->len = total;
      *entries = (const unsigned char *)get->entrytable;
      if (fd != sock) close(fd);
      return 0;
    }
    int err = errno;
    munmap(map, total);
    if (err != EAGAIN) {
      fprintf(errout, "kubito-ipt-facts: IPT_SO_GET_ENTRIES %s: %s\n", name, strerror(err));
      break;
    }
  }
  if (fd != sock) close(fd);
  return 1;
}

#ifndef IPT_FACTS_NO_MAIN
/* A dump written by --dump: ipt_getinfo, then the entries (at most info.size bytes of them). */
static int read_file(const char *path, struct ipt_getinfo *info, unsigned char **entries, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "kubito-ipt-facts: %s: %s\n", path, strerror(errno));
    return 1;
  }
  int r = 1;
  if (fread(info, sizeof(*info), 1, f) == 1) {
    size_t cap = info->size < (64u << 20) ? info->size : (64u << 20);
    unsigned char *buf = malloc(cap ? cap : 1);
    if (buf) {
      *size = fread(buf, 1, cap, f);
      *entries = buf;
      r = 0;
    }
  }
  fclose(f);
  info->name[sizeof(info->name) - 1] = 0;
  return r;
}

#endif /* IPT_FACTS_NO_MAIN */

/* Reads and prints one table of the kernel (through `sock`, as read_kernel); returns the exit status. */
static int print_kernel_table(int sock, const char *name, FILE *out) {
  struct table t = {0};
  struct kernel_copy k = {0};
  const unsigned char *entries = NULL;
  int r = read_kernel(sock, name, &t.info, &entries, &k);
  if (r == 0) {
    t.base = entries;
    t.size = t.info.size;
    r = print_table(&t, name, out);
    if (r == 2) fprintf(errout, "kubito-ipt-facts: table %s: an entry out of bounds\n", name);
  }
  free(t.chains);
  release(&k);
  return r;
}

#ifndef IPT_FACTS_NO_MAIN
/* --serve: one request per line of stdin (table names, separated by spaces), until its end.
 * Each answer is framed, so it carries its own status and stderr and no output line can end it
 * early: `exit <status> <o> <e>\n`, then o bytes of output and e bytes of stderr. */
static int serve(void) {
  char request[1024];
  while (fgets(request, sizeof(request), stdin)) {
    char *out = NULL, *err = NULL;
    size_t olen = 0, elen = 0;
    FILE *o = open_memstream(&out, &olen);
    errout = open_memstream(&err, &elen);
    if (!o || !errout) return 1;
    int r = 0;
    if (!strchr(request, '\n') && !feof(stdin)) {
      /* A longer line is no request of ours: skip the rest of it and refuse it. */
      int c;
      while ((c = getchar()) != EOF && c != '\n') continue;
      fprintf(errout, "kubito-ipt-facts: request over %zu bytes\n", sizeof(request) - 2);
      r = 1;
    }
    for (char *save = NULL, *name = strtok_r(request, " \t\r\n", &save); name && r == 0; name = strtok_r(NULL, " \t\r\n", &save)) r = print_kernel_table(-1, name, o);
    fclose(o);
    fclose(errout);
    errout = stderr;
    printf("exit %d %zu %zu\n", r, olen, elen);
    fwrite(out, 1, olen, stdout);
    fwrite(err, 1, elen, stdout);
    free(out);
    free(err);
    if (fflush(stdout) != 0) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  static char outbuf[1 << 20];
  errout = stderr;
  setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
  int r = 0;
  if (argc >= 2 && argv[1][0] != '-') {
    for (int i = 1; i < argc && r == 0; i++) r = print_kernel_table(-1, argv[i], stdout);
  } else if (argc == 2 && strcmp(argv[1], "--serve") == 0) {
    return serve();
  } else if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
    struct ipt_getinfo info;
    struct kernel_copy k = {0};
    const unsigned char *entries = NULL;
    r = read_kernel(-1, argv[2], &info, &entries, &k);
    if (r == 0) {
      fwrite(&info, sizeof(info), 1, stdout);
      fwrite(entries, 1, info.size, stdout);
    }
    release(&k);
  } else if (argc == 3 && strcmp(argv[1], "--file") == 0) {
    struct table t = {0};
    unsigned char *entries = NULL;
    r = read_file(argv[2], &t.info, &entries, &t.size);
    if (r == 0) {
      t.base = entries;
      r = print_table(&t, t.info.name[0] ? t.info.name : "?", stdout);
      if (r == 2) fprintf(stderr, "kubito-ipt-facts: %s: an entry out of bounds\n", argv[2]);
    }
    free(t.chains);
    free(entries);
  } else {
    fprintf(stderr, "usage: kubito-ipt-facts <table>... | --dump <table> | --file <path>\n");
    return 1;
  }
  if (fflush(stdout) != 0 && r == 0) r = 1;
  return r;
}
#endif /* IPT_FACTS_NO_MAIN */
