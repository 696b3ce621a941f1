/*
 * kubito-launch: starts one container run in one process, doing what the shell chain
 *   ip netns exec <netns> unshare --uts --ipc --mount --propagation private --pid --fork
 *     --mount-proc --kill-child -- sh -c '<hostname, binds, stdio, cd>; exec "$@"'
 * did with five programs (see src/node/README.md, "The native launcher", for the table).
 *
 *   kubito-launch [--netns NAME [--adopt-netns POOL]] [--hostname H] [--dir D] [--bind-etc SRC TGT]...
 *                 [--overlay DIR [--keep MOUNTPOINT]...]... [--mkdir PATH]... [--mkfile PATH]...
 *                 [--bind SRC TGT]... [--bind-ro SRC TGT]... [--stdout F] [--stderr F]
 *                 [--cwd DIR] [--target-pid PID] [--env K=V]... [--readonly-root]
 *                 [--caps HEX] [--user UID:GID [--groups G,G...]] [--no-new-privs] -- PROGRAM ARGS...
 *
 * The container's identity (src/node/security-context.ts; runc's finalizeNamespace order), last,
 * in PID 1 once every mount is made: --readonly-root remounts the container's `/` read-only, and
 * each --overlay directory (those mounts alone; volumes, /etc files and other mounts stay as they are); --caps HEX drops every
 * capability not in the mask from the bounding set and clears the inheritable and ambient sets
 * (a root program's permitted and effective sets become the mask at exec; a non-root one's are
 * empty, as with runc without ambient capabilities); --user sets the groups (--groups, empty
 * for none), then the gid and uid (real, effective, saved), and sets the parent-death signal
 * again (a credential change clears it); --no-new-privs sets PR_SET_NO_NEW_PRIVS. The working
 * directory is entered as root first and, where that is refused (EACCES), again as the user.
 *
 * --overlay DIR (mount points the host does not have; src/node/mount-plan.ts): an overlay on DIR
 * in the container's mount namespace, its lower layer DIR, upper and work directories on a tmpfs
 * of that namespace alone; each --keep (a mount below DIR) is cloned before and put back on top.
 * DIR `/` gets it too: the container's root becomes the overlay (chroot). --mkdir/--mkfile make
 * the missing mount points then (in the overlays), and every bind's source was cloned before the
 * first overlay (open_tree), so none is seen through one.
 *
 * The process that runs it (the agent's command helper) stays the launcher: it enters the
 * network namespace, unshares UTS, IPC, mount and PID namespaces, forks the container's PID 1
 * and waits for it; its exit status is the program's (a signal is raised again on itself, as
 * unshare does). With --target-pid (an ephemeral container with a targetContainerName) the PID
 * namespace is not new but that of the process PID (the target container's PID 1): the
 * program joins it, as `nsenter --target PID --pid` would put it, and its /proc shows it.
 * Set-up failures print one line on the launcher's stderr and exit 128 (the agent
 * reports StartError with that line); a program that cannot be executed prints on the
 * container's stderr and exits 127 (not found) or 126, as sh's `exec` did.
 *
 *   kubito-launch --serve DIR
 *
 * The launchers' parent (serve() below): the agent starts it once and writes launch
 * requests on its stdin; it spawns each launcher (stdin /dev/null, stderr DIR/<id>.err, the
 * environment KUBITO_LAUNCH_REPORT=<id> alone), and, being their parent, learns every exit:
 * it writes `P <id> <pid>` once spawned and `<id> <status>` once reaped (status as a shell's
 * $?: the code, or 128 + the signal), on its stdout, which the launchers share for their
 * `S <id> <pid>`. No launcher's end goes unreported, even one killed before its program ran.
 * A request is `<id> <length>\n` and then <length> bytes: the argv, each word NUL-terminated,
 * the first the program to run. On the end of its stdin it waits for its launchers, then exits.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <linux/prctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <poll.h>
#include <spawn.h>
#include <unistd.h>

#define MAX_BINDS 64
#define MAX_OVERLAYS 16
#define MAX_KEEPS 512
#define MAX_ENV 4096
#define MAX_GROUPS 256
#define MAX_PATH_LEN 4096
#define SETUP_FAILED 128

struct bind {
  const char *source;
  const char *target;
  int kind; /* 0 bind-etc (only if the target exists), 1 bind, 2 bind read-only */
};

struct overlay {
  const char *dir;
  int first_keep;
  int nkeeps;
};

struct create {
  const char *path;
  int file;
};

struct spec {
  struct overlay overlays[MAX_OVERLAYS];
  int noverlays;
  const char *keeps[MAX_KEEPS];
  int nkeeps;
  struct create creates[MAX_BINDS];
  int ncreates;
  const char *netns;
  const char *adopt;
  const char *hostname;
  const char *dir;
  const char *stdout_path;
  const char *stderr_path;
  const char *cwd;
  const char *target_pid;
  int readonly_root;
  int no_new_privs;
  int has_caps;
  unsigned long long caps;
  int has_user;
  uid_t uid;
  gid_t gid;
  gid_t groups[MAX_GROUPS];
  int ngroups;
  struct bind binds[MAX_BINDS];
  int nbinds;
  char *env[MAX_ENV + 1];
  int nenv;
  char **argv;
};

static int launch(int argc, char **argv, const char *report);

static void fail(const char *fmt, ...) {
  va_list ap;
  char line[1024];
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  ssize_t w = write(2, "kubito-launch: ", 15);
  w = write(2, line, (size_t)n);
  (void)w;
  _exit(SETUP_FAILED);
}

/* Parses the command line; any mistake is a set-up failure. */
static void parse(int argc, char **argv, struct spec *s) {
  memset(s, 0, sizeof *s);
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "--readonly-root") == 0 || strcmp(a, "--no-new-privs") == 0) {
      if (a[2] == 'r') s->readonly_root = 1;
      else s->no_new_privs = 1;
      continue;
    }
    int two = strcmp(a, "--bind-etc") == 0 || strcmp(a, "--bind") == 0 || strcmp(a, "--bind-ro") == 0;
    static const char *const one[] = {"--netns", "--adopt-netns", "--hostname", "--dir", "--stdout", "--stderr", "--cwd", "--target-pid", "--env", "--overlay", "--keep", "--mkdir", "--mkfile", "--user", "--groups", "--caps"};
    int known = two;
    for (size_t k = 0; k < sizeof one / sizeof one[0]; k++) known |= strcmp(a, one[k]) == 0;
    if (!known) fail("unknown option %s", a);
    if (i + 1 + two >= argc) fail("option %s: missing value", a);
    const char *v = argv[i + 1];
    if (two) {
      if (s->nbinds >= MAX_BINDS) fail("more than %d mounts", MAX_BINDS);
      struct bind *b = &s->binds[s->nbinds++];
      b->source = v;
      b->target = argv[i + 2];
      b->kind = a[6] == '-' ? (a[7] == 'e' ? 0 : 2) : 1;
      i += 2;
      continue;
    }
    if (strcmp(a, "--overlay") == 0) {
      if (s->noverlays >= MAX_OVERLAYS) fail("more than %d overlays", MAX_OVERLAYS);
      if (v[0] != '/') fail("--overlay %s: not an absolute path", v);
      struct overlay *o = &s->overlays[s->noverlays++];
      o->dir = v;
      o->first_keep = s->nkeeps;
      o->nkeeps = 0;
    } else if (strcmp(a, "--keep") == 0) {
      if (!s->noverlays) fail("--keep %s: no --overlay before it", v);
      if (s->nkeeps >= MAX_KEEPS) fail("more than %d kept mounts", MAX_KEEPS);
      s->keeps[s->nkeeps++] = v;
      s->overlays[s->noverlays - 1].nkeeps++;
    } else if (strcmp(a, "--mkdir") == 0 || strcmp(a, "--mkfile") == 0) {
      if (s->ncreates >= MAX_BINDS) fail("more than %d mount points to make", MAX_BINDS);
      if (v[0] != '/') fail("%s %s: not an absolute path", a, v);
      s->creates[s->ncreates].path = v;
      s->creates[s->ncreates++].file = a[4] == 'f';
    } else if (strcmp(a, "--netns") == 0) s->netns = v;
    else if (strcmp(a, "--adopt-netns") == 0) s->adopt = v;
    else if (strcmp(a, "--hostname") == 0) s->hostname = v;
    else if (strcmp(a, "--dir") == 0) s->dir = v;
    else if (strcmp(a, "--stdout") == 0) s->stdout_path = v;
    else if (strcmp(a, "--stderr") == 0) s->stderr_path = v;
    else if (strcmp(a, "--cwd") == 0) s->cwd = v;
    else if (strcmp(a, "--target-pid") == 0) {
      if (!*v || strlen(v) > 10 || strspn(v, "0123456789") != strlen(v)) fail("--target-pid %s: not a process id", v);
      s->target_pid = v;
    }
    else if (strcmp(a, "--user") == 0) {
      unsigned long u, g;
      char end;
      if (sscanf(v, "%lu:%lu%c", &u, &g, &end) != 2 || u > 0xfffffffeUL || g > 0xfffffffeUL || !strchr("0123456789", v[0])) fail("--user %s: not UID:GID", v);
      s->has_user = 1;
      s->uid = (uid_t)u;
      s->gid = (gid_t)g;
    } else if (strcmp(a, "--groups") == 0) {
      s->ngroups = 0;
      for (const char *p = v; *p;) {
        char *end;
        errno = 0;
        unsigned long g = strtoul(p, &end, 10);
        if (end == p || errno || g > 0xfffffffeUL || (*end && *end != ',')) fail("--groups %s: not a list of group ids", v);
        if (s->ngroups >= MAX_GROUPS) fail("more than %d groups", MAX_GROUPS);
        s->groups[s->ngroups++] = (gid_t)g;
        p = *end ? end + 1 : end;
      }
    } else if (strcmp(a, "--caps") == 0) {
      char *end;
      errno = 0;
      s->caps = strtoull(v, &end, 16);
      if (!*v || *end || errno) fail("--caps %s: not a hexadecimal mask", v);
      s->has_caps = 1;
    }
    else if (strcmp(a, "--env") == 0) {
      if (s->nenv >= MAX_ENV) fail("more than %d environment variables", MAX_ENV);
      if (!strchr(v, '=')) fail("--env %s: not NAME=VALUE", v);
      s->env[s->nenv++] = (char *)v;
    }
    i++;
  }
  s->env[s->nenv] = NULL;
  if (i >= argc) fail("no program to run");
  if (s->adopt && !s->netns) fail("--adopt-netns needs --netns");
  if (s->ngroups && !s->has_user) fail("--groups needs --user");
  s->argv = argv + i;
}

static void netns_path(char *path, size_t size, const char *name) {
  if (strchr(name, '/') || strlen(name) > 255 || !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) fail("bad network namespace name \"%s\"", name);
  snprintf(path, size, "/run/netns/%s", name);
}

/* ip netns exec's effects: the network namespace, a /sys describing it, /etc/netns/<name>/. */
static void enter_netns(const char *name) {
  char path[512];
  netns_path(path, sizeof path, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("Cannot open network namespace \"%s\": %s", name, strerror(errno));
  if (setns(fd, CLONE_NEWNET) < 0) fail("setting the namespace \"%s\" failed: %s", name, strerror(errno));
  close(fd);
}

/*
 * A warm pool sandbox taken by a pod (src/node/sandbox-pool.ts): enters the namespace named
 * `pool` and names it `name` as well (a bind mount, as `ip netns add` makes one), in the host's
 * mount namespace, before anything is unshared. The pool's name is left for the agent to remove
 * later, batched (an unmount waits for an RCU grace period: milliseconds in every launch of a
 * burst). Several launchers of one pod may race: the first to create the new name's file binds
 * it, the others enter by the pool's name; once the pool's name is gone, by the pod's. Naming
 * failures are printed and leave the pool's name the sandbox's (the agent checks which it is).
 */
static void adopt_netns(const char *pool, const char *name) {
  char from[512], to[512];
  netns_path(from, sizeof from, pool);
  netns_path(to, sizeof to, name);
  int fd = open(from, O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && setns(fd, CLONE_NEWNET) == 0) {
    close(fd);
    int made = open(to, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (made < 0) {
      if (errno != EEXIST) fprintf(stderr, "kubito-launch: naming %s as %s: %s\n", pool, name, strerror(errno));
      return; /* EEXIST: another launcher of the pod names it */
    }
    close(made);
    if (mount(from, to, "none", MS_BIND, NULL) < 0) {
      fprintf(stderr, "kubito-launch: naming %s as %s: %s\n", pool, name, strerror(errno));
      unlink(to);
      return;
    }
    return;
  }
  /* The pool's name is gone (or going): the namespace has the pod's name already. */
  if (fd >= 0) close(fd);
  enter_netns(name);
}

static void remount_sys(const char *name) {
  unsigned long flags = 0;
  if (umount2("/sys", MNT_DETACH) < 0) {
    struct statvfs st;
    if (statvfs("/sys", &st) == 0 && (st.f_flag & ST_RDONLY)) flags = MS_RDONLY;
  }
  if (mount(name, "/sys", "sysfs", flags, NULL) < 0) fail("mount of /sys failed: %s", strerror(errno));
}

static void bind_etc_netns(const char *name) {
  char dir[512];
  snprintf(dir, sizeof dir, "/etc/netns/%s", name);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char src[MAX_PATH_LEN], dst[MAX_PATH_LEN];
    if (snprintf(src, sizeof src, "%s/%s", dir, e->d_name) >= (int)sizeof src) continue;
    if (snprintf(dst, sizeof dst, "/etc/%s", e->d_name) >= (int)sizeof dst) continue;
    /* As ip: a failure here is reported and ignored. */
    if (mount(src, dst, "none", MS_BIND, NULL) < 0) fprintf(stderr, "Bind %s -> %s failed: %s\n", src, dst, strerror(errno));
  }
  closedir(d);
}

/* A read-only bind keeps the flags the kernel locks (nosuid, nodev, noexec) in a user namespace. */
static void bind_mount(const struct bind *b) {
  struct stat st;
  if (b->kind == 0 && stat(b->target, &st) < 0) return;
  if (mount(b->source, b->target, NULL, MS_BIND, NULL) < 0) fail("mount %s on %s: %s", b->source, b->target, strerror(errno));
  if (b->kind != 2) return;
  struct statvfs vfs;
  unsigned long keep = 0;
  if (statvfs(b->target, &vfs) == 0) {
    if (vfs.f_flag & ST_NOSUID) keep |= MS_NOSUID;
    if (vfs.f_flag & ST_NODEV) keep |= MS_NODEV;
    if (vfs.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
  }
  if (mount(NULL, b->target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0) fail("mount %s read-only on %s: %s", b->source, b->target, strerror(errno));
}

/* mkdir -p, in the container's view (the overlays are in place): mode 0755 as a runtime's. */
static void make_dirs(const char *path) {
  char p[MAX_PATH_LEN];
  if (strlen(path) >= sizeof p) fail("mkdir %s: path too long", path);
  strcpy(p, path);
  for (char *c = p + 1;; c++) {
    if (*c != '/' && *c) continue;
    char keep = *c;
    *c = 0;
    if (mkdir(p, 0755) < 0 && errno != EEXIST) fail("mkdir %s: %s", p, strerror(errno));
    if (!keep) break;
    *c = keep;
  }
}

static void make_point(const struct create *c) {
  if (!c->file) {
    make_dirs(c->path);
    return;
  }
  char dir[MAX_PATH_LEN];
  snprintf(dir, sizeof dir, "%s", c->path);
  char *slash = strrchr(dir, '/');
  if (slash && slash != dir) {
    *slash = 0;
    make_dirs(dir);
  }
  int fd = open(c->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot make %s: %s", c->path, strerror(errno));
  close(fd);
}

static char overlay_log[512];

/* A new overlay context for DIR; 0 when the kernel took it, else errno (and overlay_log). */
static int overlay_context(const char *dir, const char *upper, const char *work, int userxattr, int *out) {
  int fs = fsopen("overlay", FSOPEN_CLOEXEC);
  if (fs < 0) return errno;
  /* lowerdir+ takes the path as it is (':' and ',' are not separators); older kernels lowerdir. */
  if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", dir, 0) < 0 && fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", dir, 0) < 0) goto bad;
  if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0) goto bad;
  if (fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0) goto bad;
  if (userxattr && fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) goto bad;
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) goto bad;
  *out = fs;
  return 0;
bad:;
  int e = errno;
  /* The kernel's own words (the fs context's log: "e overlayfs: ..."), for the failure line. */
  ssize_t n = read(fs, overlay_log, sizeof overlay_log - 1);
  overlay_log[n > 0 ? n : 0] = 0;
  if (n > 0 && overlay_log[n - 1] == '\n') overlay_log[n - 1] = 0;
  close(fs);
  return e;
}

/*
 * Where the kernel refuses the overlay — in a user namespace (rootless) a directory with locked
 * mounts below it (inherited from the host's namespace: an overlay's lower layer would show what
 * they cover) — DIR gets a mirror instead: a directory of the tmpfs whose entries stand for DIR's
 * (symlinks copied; files and directories made empty and each entry of DIR bound on its stand-in,
 * recursively, so what lies below comes along), mounted on DIR. Unlike the overlay, writes to an
 * existing entry reach the host's, as they did before any of this.
 */
static void mirror(const char *dir, int tmp, const char *u, const struct stat *st) {
  int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) fail("mirror of %s: %s", dir, strerror(errno));
  int up = openat(tmp, u, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (up < 0) fail("mirror of %s: %s", dir, strerror(errno));
  DIR *list = fdopendir(dup(d));
  if (!list) fail("mirror of %s: %s", dir, strerror(errno));
  int cap = 64, n = 0;
  int *fds = malloc(sizeof *fds * (size_t)cap);
  char **names = malloc(sizeof *names * (size_t)cap);
  if (!fds || !names) fail("mirror of %s: out of memory", dir);
  struct dirent *e;
  while ((e = readdir(list))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    struct stat es;
    if (fstatat(d, e->d_name, &es, AT_SYMLINK_NOFOLLOW) < 0) continue;
    if (S_ISLNK(es.st_mode)) {
      char target[MAX_PATH_LEN];
      ssize_t len = readlinkat(d, e->d_name, target, sizeof target - 1);
      if (len < 0) continue;
      target[len] = 0;
      if (symlinkat(target, up, e->d_name) < 0) fail("mirror of %s: symlink %s: %s", dir, e->d_name, strerror(errno));
      continue;
    }
    if (S_ISDIR(es.st_mode)) {
      if (mkdirat(up, e->d_name, es.st_mode & 07777) < 0) fail("mirror of %s: mkdir %s: %s", dir, e->d_name, strerror(errno));
    } else {
      int f = openat(up, e->d_name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (f < 0) fail("mirror of %s: %s: %s", dir, e->d_name, strerror(errno));
      close(f);
    }
    int fd = open_tree(d, e->d_name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
    if (fd < 0) fail("mirror of %s: cannot clone %s: %s", dir, e->d_name, strerror(errno));
    if (n == cap) {
      cap *= 2;
      fds = realloc(fds, sizeof *fds * (size_t)cap);
      names = realloc(names, sizeof *names * (size_t)cap);
      if (!fds || !names) fail("mirror of %s: out of memory", dir);
    }
    fds[n] = fd;
    names[n++] = strdup(e->d_name);
  }
  closedir(list);
  (void)st;
  int m = open_tree(tmp, u, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (m < 0) fail("mirror of %s: %s", dir, strerror(errno));
  if (move_mount(m, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0) fail("mirror of %s: %s", dir, strerror(errno));
  if (strcmp(dir, "/") == 0 && (fchdir(m) < 0 || chroot(".") < 0)) fail("mirror of /: chroot: %s", strerror(errno));
  int top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (top < 0) fail("mirror of %s: %s", dir, strerror(errno));
  for (int i = 0; i < n; i++) {
    if (move_mount(fds[i], "", top, names[i], MOVE_MOUNT_F_EMPTY_PATH) < 0) fail("mirror of %s: cannot put back %s: %s", dir, names[i], strerror(errno));
    close(fds[i]);
    free(names[i]);
  }
  free(fds);
  free(names);
  close(top);
  close(m);
  close(up);
  close(d);
}

/*
 * The overlays, the mount points they hold and the binds (--overlay given). Every bind's source is
 * cloned first (open_tree), so a source below an overlaid directory (the pod's directory under it)
 * is the real one, not the overlay's view of it; a read-only one is made so while detached.
 */
static void overlay_mounts(const struct spec *s) {
  int src[MAX_BINDS];
  for (int i = 0; i < s->nbinds; i++) {
    const struct bind *b = &s->binds[i];
    struct stat st;
    src[i] = -1;
    if (b->kind == 0 && stat(b->target, &st) < 0) continue;
    src[i] = open_tree(AT_FDCWD, b->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (src[i] < 0) fail("mount %s on %s: %s", b->source, b->target, strerror(errno));
    if (b->kind == 2) {
      struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
      if (mount_setattr(src[i], "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) fail("mount %s read-only on %s: %s", b->source, b->target, strerror(errno));
    }
  }
  /* The upper and work directories: a tmpfs no path names (it goes with the mount namespace). */
  int tfs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (tfs < 0) fail("fsopen tmpfs: %s", strerror(errno));
  if (fsconfig(tfs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 || fsconfig(tfs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) fail("tmpfs for the overlays: %s", strerror(errno));
  int tmp = fsmount(tfs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  if (tmp < 0) fail("fsmount tmpfs: %s", strerror(errno));
  close(tfs);
  int userxattr = 0;
  for (int i = 0; i < s->noverlays; i++) {
    const struct overlay *o = &s->overlays[i];
    struct stat st;
    if (stat(o->dir, &st) < 0) fail("overlay on %s: %s", o->dir, strerror(errno));
    char u[32], w[32], upper[96], work[96];
    snprintf(u, sizeof u, "u%d", i);
    snprintf(w, sizeof w, "w%d", i);
    /* The overlay's root shows the upper directory's owner and mode: the directory's own. */
    if (mkdirat(tmp, u, 0700) < 0 || mkdirat(tmp, w, 0700) < 0) fail("overlay on %s: mkdir: %s", o->dir, strerror(errno));
    if (fchownat(tmp, u, st.st_uid, st.st_gid, 0) < 0 && errno != EINVAL && errno != EPERM) fail("overlay on %s: chown: %s", o->dir, strerror(errno));
    if (fchmodat(tmp, u, st.st_mode & 07777, 0) < 0) fail("overlay on %s: chmod: %s", o->dir, strerror(errno));
    snprintf(upper, sizeof upper, "/proc/self/fd/%d/%s", tmp, u);
    snprintf(work, sizeof work, "/proc/self/fd/%d/%s", tmp, w);
    int keep[MAX_KEEPS];
    for (int k = 0; k < o->nkeeps; k++) {
      const char *path = s->keeps[o->first_keep + k];
      keep[k] = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      /* A mount that went away since the agent read the table: nothing to keep. */
      if (keep[k] < 0 && errno != ENOENT) fail("overlay on %s: cannot keep %s: %s", o->dir, path, strerror(errno));
    }
    int fs = -1;
    /* In a user namespace (rootless) overlayfs needs user.* extended attributes (userxattr). */
    int e = overlay_context(o->dir, upper, work, userxattr, &fs);
    if (e && !userxattr) {
      int again = overlay_context(o->dir, upper, work, 1, &fs);
      if (again == 0) userxattr = 1;
      e = again;
    }
    if (e == EINVAL) {
      for (int k = 0; k < o->nkeeps; k++)
        if (keep[k] >= 0) close(keep[k]);
      mirror(o->dir, tmp, u, &st);
      continue;
    }
    if (e) fail("overlay on %s: %s%s%s", o->dir, strerror(e), overlay_log[0] ? ": " : "", overlay_log);
    int m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
    if (m < 0) fail("overlay on %s: fsmount: %s", o->dir, strerror(errno));
    close(fs);
    if (move_mount(m, "", AT_FDCWD, o->dir, MOVE_MOUNT_F_EMPTY_PATH) < 0) fail("overlay on %s: %s", o->dir, strerror(errno));
    /* On the root: the container's root is the overlay (and a setns into this mount namespace,
     * exec's nsenter, lands on it too: the kernel follows mounts on the namespace's root). */
    if (strcmp(o->dir, "/") == 0 && (fchdir(m) < 0 || chroot(".") < 0)) fail("overlay on /: chroot: %s", strerror(errno));
    close(m);
    for (int k = 0; k < o->nkeeps; k++) {
      if (keep[k] < 0) continue;
      const char *path = s->keeps[o->first_keep + k];
      if (move_mount(keep[k], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0) fail("overlay on %s: cannot put back %s: %s", o->dir, path, strerror(errno));
      close(keep[k]);
    }
  }
  close(tmp);
  for (int i = 0; i < s->ncreates; i++) make_point(&s->creates[i]);
  for (int i = 0; i < s->nbinds; i++) {
    if (src[i] < 0) continue;
    const struct bind *b = &s->binds[i];
    if (move_mount(src[i], "", AT_FDCWD, b->target, MOVE_MOUNT_F_EMPTY_PATH) < 0) fail("mount %s on %s: %s", b->source, b->target, strerror(errno));
    close(src[i]);
  }
}

/* Opens a stdio file (the run's FIFO) for writing, close-on-exec until redirect() moves it. */
static int open_stdio(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail("cannot open %s: %s", path, strerror(errno));
  return fd;
}

/* Makes fd the target descriptor (1 or 2) for the program. */
static void redirect(int target, int fd, const char *path) {
  if (fd == target) {
    if (fcntl(fd, F_SETFD, 0) < 0) fail("fcntl %s: %s", path, strerror(errno));
    return;
  }
  if (dup2(fd, target) < 0) fail("dup2 %s: %s", path, strerror(errno));
  close(fd);
}

static const char *env_get(char **env, const char *name) {
  size_t n = strlen(name);
  for (; *env; env++)
    if (strncmp(*env, name, n) == 0 && (*env)[n] == '=') return *env + n + 1;
  return NULL;
}

/* Runs a file the kernel cannot execute as a shell script, as sh's exec and execvpe do. */
static void exec_file(const char *path, char **argv, char **env) {
  execve(path, argv, env);
  if (errno != ENOEXEC) return;
  int n = 0;
  while (argv[n] && n < 65536) n++;
  char **sh = calloc((size_t)n + 2, sizeof *sh);
  if (!sh) return;
  sh[0] = "sh";
  sh[1] = (char *)path;
  for (int i = 1; i < n; i++) sh[i + 1] = argv[i];
  execve("/bin/sh", sh, env);
  free(sh);
  errno = ENOEXEC;
}

/* exec "$@" with the container's PATH (sh's default when it has none); never returns. */
static void exec_program(char **argv, char **env) {
  const char *prog = argv[0];
  int err = ENOENT;
  if (strchr(prog, '/')) {
    exec_file(prog, argv, env);
    err = errno;
  } else {
    const char *path = env_get(env, "PATH");
    if (!path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    int denied = 0;
    for (const char *p = path;; p++) {
      const char *end = strchrnul(p, ':');
      size_t len = (size_t)(end - p);
      char file[MAX_PATH_LEN];
      if (len + strlen(prog) + 2 <= sizeof file) {
        if (len == 0) snprintf(file, sizeof file, "%s", prog);
        else snprintf(file, sizeof file, "%.*s/%s", (int)len, p, prog);
        exec_file(file, argv, env);
        if (errno == EACCES) denied = 1;
        else if (errno != ENOENT && errno != ENOTDIR) {
          err = errno;
          break;
        }
      }
      if (!*end) break;
      p = end;
    }
    if (err == ENOENT && denied) err = EACCES;
  }
  char line[1024];
  int n = snprintf(line, sizeof line, "kubito-launch: exec: %s: %s\n", prog, err == ENOENT ? "not found" : strerror(err));
  if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
  ssize_t w = write(2, line, (size_t)(n > 0 ? n : 0));
  (void)w;
  _exit(err == ENOENT ? 127 : 126);
}

/* The mount on `path` read-only in this mount namespace (that mount alone), keeping the flags the kernel may lock. */
static void remount_readonly(const char *path) {
  struct statvfs vfs;
  unsigned long keep = 0;
  if (statvfs(path, &vfs) == 0) {
    if (vfs.f_flag & ST_NOSUID) keep |= MS_NOSUID;
    if (vfs.f_flag & ST_NODEV) keep |= MS_NODEV;
    if (vfs.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
  }
  if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0) fail("remount %s read-only: %s", path, strerror(errno));
}

/* `/` read-only, and the overlays made for missing mount points (an image's directories, read-only with it); the binds on them stay as they are. */
static void readonly_root(const struct spec *s) {
  remount_readonly("/");
  for (int i = 0; i < s->noverlays; i++)
    if (strcmp(s->overlays[i].dir, "/") != 0) remount_readonly(s->overlays[i].dir);
}

/* The bounding set cut to the mask, the inheritable and ambient sets emptied (runc: capabilities.ApplyBoundingSet, ApplyCaps). */
static void limit_caps(unsigned long long mask) {
  for (int c = 0; c < 64; c++) {
    if (mask >> c & 1) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
      if (errno == EINVAL) break; /* past the kernel's last capability */
      fail("cannot drop capability %d from the bounding set: %s", c, strerror(errno));
    }
  }
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) < 0) fail("capget: %s", strerror(errno));
  d[0].inheritable = d[1].inheritable = 0;
  if (syscall(SYS_capset, &h, d) < 0) fail("capset: %s", strerror(errno));
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) fail("cannot clear the ambient capabilities: %s", strerror(errno));
}

/* runc's finalizeNamespace order: cwd (as root), bounding set, user, cwd again if refused, no_new_privs. */
static void enter_identity(const struct spec *s, const char *cwd) {
  int cwd_denied = 0;
  if (chdir(cwd) < 0) {
    if (errno != EACCES || !s->has_user) {
      /* As sh's `cd ... || exit 128`: its complaint went to the container's stderr. */
      dprintf(2, "kubito-launch: cd: %s: %s\n", cwd, strerror(errno));
      _exit(SETUP_FAILED);
    }
    cwd_denied = 1;
  }
  if (s->has_caps) limit_caps(s->caps);
  if (s->has_user) {
    if (setgroups((size_t)s->ngroups, s->groups) < 0) fail("setgroups: %s", strerror(errno));
    if (setresgid(s->gid, s->gid, s->gid) < 0) fail("setgid %u: %s", (unsigned)s->gid, strerror(errno));
    if (setresuid(s->uid, s->uid, s->uid) < 0) fail("setuid %u: %s", (unsigned)s->uid, strerror(errno));
    /* A change of credentials clears the parent-death signal. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
  }
  if (cwd_denied && chdir(cwd) < 0) {
    dprintf(2, "kubito-launch: cd: %s: %s\n", cwd, strerror(errno));
    _exit(SETUP_FAILED);
  }
  if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
}

/* The container's PID 1: /proc, hostname, binds, stdio, working directory, then the program. */
static void container(const struct spec *s, const sigset_t *mask) {
  if (sigprocmask(SIG_SETMASK, mask, NULL) < 0) fail("sigprocmask: %s", strerror(errno));
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
  if (mount("none", "/proc", NULL, MS_PRIVATE | MS_REC, NULL) < 0) fail("cannot change /proc propagation: %s", strerror(errno));
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0) fail("mount proc on /proc: %s", strerror(errno));
  if (s->dir && chdir(s->dir) < 0) fail("cd %s: %s", s->dir, strerror(errno));
  if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0) fail("sethostname %s: %s", s->hostname, strerror(errno));
  /* The FIFOs are opened before the binds (and dup'ed after them, so that set-up failures stay on
   * the launcher's stderr): the agent's FIFO pool lives on tmpfs (/dev/shm), which a volume
   * mounted there (an emptyDir for shared memory) would hide. */
  int out = s->stdout_path ? open_stdio(s->stdout_path) : -1;
  int err = s->stderr_path ? open_stdio(s->stderr_path) : -1;
  if (s->noverlays) overlay_mounts(s);
  else
    for (int i = 0; i < s->nbinds; i++) bind_mount(&s->binds[i]);
  if (s->readonly_root) readonly_root(s);
  if (out >= 0) redirect(1, out, s->stdout_path);
  if (err >= 0) redirect(2, err, s->stderr_path);
  const char *cwd = s->cwd && *s->cwd ? s->cwd : "/";
  enter_identity(s, cwd);
  exec_program(s->argv, (char **)s->env);
}

#define MAX_REQUEST (8 << 20)
#define MAX_WORDS 65536
#define MAX_CHILDREN 65536

struct launched {
  pid_t pid;
  char id[24];
};

static struct launched *children;
static size_t nchildren, capchildren;
/* The server's own argv[0] (a request for it is run by a fork, no exec) and its signalfd. */
static const char *server_self;
static int server_sfd = -1;
/*
 * The server's lean mount namespace (lean_refresh) and the host's, where it has one: launchers
 * forked from it name and enter network namespaces in the host's, then unshare from the lean
 * one. lean_mnt -1: none (launchers unshare from the host's, as exec'd ones always do).
 */
static int host_mnt = -1, lean_mnt = -1;
/* When the lean namespace was last made or tried (CLOCK_MONOTONIC, ms); lean_tried: ever tried. */
static long long lean_at;
static int lean_tried;

/* Milliseconds after which a launch makes the lean namespace again from the host's. */
#define LEAN_MAX_AGE_MS 1000

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void lean_drop(void) {
  if (lean_mnt >= 0) close(lean_mnt);
  lean_mnt = -1;
}

/*
 * A launcher's unshare(CLONE_NEWNS) copies every mount of the namespace it is in, and the host's
 * holds a bind mount per network namespace under /run/netns (the warm pool's, each pod's, other
 * clusters'): some 120-300 mounts, ≈ 0.6 ms of kernel CPU a launch here. The server keeps a
 * namespace of its own made from the host's, with /run/netns (and every name under it)
 * detached, and its launchers copy that. It is a copy, not a view (the host's / may be private:
 * nothing propagates): a launch makes it again from the host's once it is older than
 * LEAN_MAX_AGE_MS, so a container sees the host's mounts as of at most a second before its start
 * (telling a change from the mount table's text cost as much as the copy saved: reading
 * /proc/self/mountinfo with 150-300 mounts is 0.2-0.4 ms). Where any step fails (no /run/netns
 * mount point, say) launchers unshare from the host's.
 */
static void lean_refresh(void) {
  if (host_mnt < 0) return;
  long long now = now_ms();
  /* A failed attempt is remembered as long as a made namespace would be: where the lean
   * namespace cannot be made, launches unshare from the host's without trying again each time. */
  if (lean_tried && now - lean_at < LEAN_MAX_AGE_MS) return;
  lean_tried = 1;
  lean_at = now;
  if (setns(host_mnt, CLONE_NEWNS) < 0) fail("cannot return to the host's mount namespace: %s", strerror(errno));
  lean_drop();
  if (unshare(CLONE_NEWNS) < 0) return;
  int lean = -1;
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) == 0 && umount2("/run/netns", MNT_DETACH) == 0) lean = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (lean < 0) {
    if (setns(host_mnt, CLONE_NEWNS) < 0) fail("cannot return to the host's mount namespace: %s", strerror(errno));
    return;
  }
  lean_mnt = lean;
}

/* Once, at the server's start: the host's mount namespace, kept for lean_refresh. */
static void make_lean_ns(void) {
  host_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  lean_refresh();
}

/*
 * Points the process's command line (/proc/<pid>/cmdline) at [words, words + len): one
 * PR_SET_MM_MAP with the memory map's other fields as they are (/proc/self/stat), which needs no
 * CAP_SYS_RESOURCE (the single-field PR_SET_MM_ARG_* do; containers often drop it). 1 on success.
 */
static int set_cmdline(const char *words, size_t len) {
  char stat[2048];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, stat, sizeof stat - 1);
  close(fd);
  if (n <= 0) return 0;
  stat[n] = '\0';
  /* Fields after the command's closing parenthesis: field 3 (state) onwards. */
  char *p = strrchr(stat, ')');
  if (!p) return 0;
  unsigned long long f[53] = {0};
  int field = 2;
  for (char *tok = strtok(p + 1, " \n"); tok && field < 52; tok = strtok(NULL, " \n")) {
    field++;
    f[field] = strtoull(tok, NULL, 10);
  }
  if (field < 51) return 0;
  struct prctl_mm_map map;
  memset(&map, 0, sizeof map);
  map.start_code = f[26];
  map.end_code = f[27];
  map.start_stack = f[28];
  map.start_data = f[45];
  map.end_data = f[46];
  map.start_brk = f[47];
  map.brk = (unsigned long long)(unsigned long)sbrk(0);
  map.arg_start = (unsigned long long)(unsigned long)words;
  map.arg_end = (unsigned long long)(unsigned long)(words + len);
  map.env_start = f[50];
  map.env_end = f[51];
  map.auxv = NULL;
  map.auxv_size = 0;
  map.exe_fd = (unsigned int)-1;
  return prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&map, sizeof map, 0) == 0;
}

/*
 * The launcher, forked from the server with no exec of its own (an exec, the dynamic loader and
 * libc's start-up cost a launch ≈ 0.7 ms of CPU here; the server is small): what posix_spawn
 * set up — stdin /dev/null, stderr the .err file, the signal mask empty, SIGPIPE and SIGCHLD
 * default — then launch() with the request's id to report. Never returns.
 */
static void launch_forked(int errfd, char **argv, size_t nwords, const char *id, char *const *envp, const char *words, size_t len) {
  sigset_t none;
  sigemptyset(&none);
  signal(SIGPIPE, SIG_DFL);
  signal(SIGCHLD, SIG_DFL);
  if (server_sfd >= 0) close(server_sfd);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || dup2(null, 0) < 0) _exit(SETUP_FAILED);
  if (dup2(errfd >= 0 ? errfd : null, 2) < 0) _exit(SETUP_FAILED);
  if (null != 0 && null != 2) close(null);
  if (errfd > 2) close(errfd);
  if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) fail("sigprocmask: %s", strerror(errno));
  /* Its command line becomes the request's words, as an exec would have made it (ps, and
   * whoever finds a launcher by the pod directory on it); where the kernel refuses (no
   * CAP_SYS_RESOURCE: rootless), it is exec'd after all. */
  if (server_self && strcmp(argv[0], server_self) == 0 && set_cmdline(words, len)) _exit(launch((int)nwords, argv, id));
  /* Another program, or no command line of its own: exec'd, from the host's mount namespace. */
  if (host_mnt >= 0 && setns(host_mnt, CLONE_NEWNS) < 0) fail("cannot enter the host's mount namespace: %s", strerror(errno));
  execve(argv[0], argv, envp);
  fail("cannot run %s: %s", argv[0], strerror(errno));
}

/* Writes all of buf (the report pipe); a reader gone is ignored (SIGPIPE is ignored). */
static void report_line(const char *fmt, ...) {
  char line[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  if (n >= (int)sizeof line) n = (int)sizeof line - 1;
  for (size_t off = 0; off < (size_t)n;) {
    ssize_t w = write(1, line + off, (size_t)n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    off += (size_t)w;
  }
}

/* Room in children[] for one more; 0 when memory ran out. */
static int make_room(void) {
  if (nchildren < capchildren) return 1;
  size_t cap = capchildren ? capchildren * 2 : 64;
  struct launched *more = realloc(children, cap * sizeof *more);
  if (!more) return 0;
  children = more;
  capchildren = cap;
  return 1;
}

/* Spawns one launcher for request `id` with the argv in words[0..len) (NUL-terminated words). */
static void serve_launch(const char *dir, const char *id, char *words, size_t len) {
  char errpath[MAX_PATH_LEN];
  if (snprintf(errpath, sizeof errpath, "%s/%s.err", dir, id) >= (int)sizeof errpath) {
    report_line("%s 128\n", id);
    return;
  }
  int errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  size_t nwords = 0;
  for (size_t i = 0; i < len; i++) nwords += words[i] == '\0';
  char **argv = NULL;
  if (len == 0 || words[len - 1] != '\0' || nwords > MAX_WORDS || nchildren >= MAX_CHILDREN || !(argv = calloc(nwords + 1, sizeof *argv))) {
    if (errfd >= 0) dprintf(errfd, "kubito-launch: bad launch request %s\n", id);
    if (errfd >= 0) close(errfd);
    report_line("%s 128\n", id);
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < len && k < nwords; k++) {
    argv[k] = words + i;
    i += strlen(words + i) + 1;
  }
  argv[k] = NULL;
  char envvar[64];
  snprintf(envvar, sizeof envvar, "KUBITO_LAUNCH_REPORT=%s", id);
  /* The launcher passes only its --env words to the program; of its own environment it needs the
   * report id, and a sanitizer build its options (tests run it so). */
  char *envp[5] = {envvar, NULL};
  static const char *const keep[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
  int nenv = 1;
  for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
    char *v = getenv(keep[i]);
    if (v) envp[nenv++] = v - strlen(keep[i]) - 1;
  }
  envp[nenv] = NULL;
  if (((server_self && strcmp(argv[0], server_self) == 0) || host_mnt >= 0) && make_room()) {
    /* This program: forked, not spawned (launch_forked). Room to follow it is made first. */
    lean_refresh();
    pid_t child = fork();
    if (child == 0) launch_forked(errfd, argv, nwords, id, envp, words, len);
    if (child < 0) {
      if (errfd >= 0) dprintf(errfd, "kubito-launch: cannot fork: %s\n", strerror(errno));
      report_line("%s %d\n", id, SETUP_FAILED);
    } else {
      children[nchildren].pid = child;
      snprintf(children[nchildren].id, sizeof children[nchildren].id, "%s", id);
      nchildren++;
      report_line("P %s %d\n", id, (int)child);
    }
    if (errfd >= 0) close(errfd);
    free(argv);
    return;
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (errfd >= 0) posix_spawn_file_actions_adddup2(&fa, errfd, 2);
  else posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGCHLD);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    /* The runtime failed, not the container's program: a set-up failure (StartError). */
    if (errfd >= 0) dprintf(errfd, "kubito-launch: cannot run %s: %s\n", argv[0], strerror(rc));
    report_line("%s %d\n", id, SETUP_FAILED);
  } else {
    if (nchildren == capchildren) {
      size_t cap = capchildren ? capchildren * 2 : 64;
      struct launched *more = realloc(children, cap * sizeof *more);
      if (!more) {
        /* Cannot follow it: it must not run unseen. */
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
        if (errfd >= 0) dprintf(errfd, "kubito-launch: out of memory\n");
        report_line("%s 137\n", id);
        goto done;
      }
      children = more;
      capchildren = cap;
    }
    children[nchildren].pid = pid;
    snprintf(children[nchildren].id, sizeof children[nchildren].id, "%s", id);
    nchildren++;
    report_line("P %s %d\n", id, (int)pid);
  }
done:
  if (errfd >= 0) close(errfd);
  free(argv);
}

/* Reaps every ended launcher and reports its status. */
static void serve_reap(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid <= 0) return;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
    for (size_t i = 0; i < nchildren; i++) {
      if (children[i].pid != pid) continue;
      report_line("%s %d\n", children[i].id, code);
      children[i] = children[--nchildren];
      break;
    }
  }
}

/* Parses and runs the complete requests at the start of buf; returns the bytes used, or -1 on a malformed stream. */
static long serve_requests(const char *dir, char *buf, size_t used) {
  size_t off = 0;
  while (off < used) {
    char *nl = memchr(buf + off, '\n', used - off);
    if (!nl) return used - off > 64 ? -1 : (long)off;
    char id[24];
    unsigned long len;
    char *head = buf + off;
    size_t idlen = strspn(head, "0123456789");
    if (idlen == 0 || idlen >= sizeof id || head[idlen] != ' ') return -1;
    memcpy(id, head, idlen);
    id[idlen] = '\0';
    char *end;
    errno = 0;
    len = strtoul(head + idlen + 1, &end, 10);
    if (errno || end != nl || end == head + idlen + 1 || len > MAX_REQUEST) return -1;
    size_t body = (size_t)(nl - buf) + 1;
    if (used - body < len) return (long)off;
    serve_launch(dir, id, buf + body, len);
    off = body + len;
  }
  return (long)off;
}

static int serve(const char *self, const char *dir) {
  server_self = self;
  signal(SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) fail("sigprocmask: %s", strerror(errno));
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) fail("signalfd: %s", strerror(errno));
  server_sfd = sfd;
  make_lean_ns();
  size_t cap = 65536, used = 0;
  char *buf = malloc(cap);
  if (!buf) fail("out of memory");
  int reading = 1;
  while (reading || nchildren > 0) {
    struct pollfd p[2] = {{.fd = sfd, .events = POLLIN}, {.fd = reading ? 0 : -1, .events = POLLIN}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      fail("poll: %s", strerror(errno));
    }
    if (p[0].revents) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) > 0) {
      }
      serve_reap();
    }
    if (!p[1].revents) continue;
    if (used == cap) {
      if (cap >= MAX_REQUEST + 128) fail("launch request too long");
      cap *= 2;
      char *more = realloc(buf, cap);
      if (!more) fail("out of memory");
      buf = more;
    }
    ssize_t n = read(0, buf + used, cap - used);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      reading = 0;
      if (used) fprintf(stderr, "kubito-launch: %zu bytes of an unfinished request dropped\n", used);
      continue;
    }
    used += (size_t)n;
    long done = serve_requests(dir, buf, used);
    if (done < 0) fail("malformed launch request");
    memmove(buf, buf + done, used - (size_t)done);
    used -= (size_t)done;
  }
  free(buf);
  free(children);
  close(sfd);
  return 0;
}

/*
 * A container that joined another's PID namespace (--target-pid) does not end with its program:
 * what the program left running (`sleep 60 &`) is reparented to the target's PID 1 and keeps the
 * run's output open. containerd's shim kills every process of such a container once its init
 * exits (runc's ShouldKillAllOnExit, then KillAll); the launcher does the same for the
 * processes that share its mount namespace, which the run's unshare made for this run alone
 * (a process that made a mount namespace of its own escapes, as it would escape a cgroup it
 * moved out of). `proc` is the launcher's /proc, opened before the container mounted its own
 * over it: its pids are the ones kill() takes. Each is opened as a pidfd before its namespace is
 * compared, so that a pid reused meanwhile is not signalled; passes repeat until one finds
 * none (a process may fork while its siblings are being killed; one killed keeps its namespaces
 * until it has exited), at most 1,000, a millisecond apart. Zombies have no namespaces left.
 */
static void kill_rest(int proc) {
  char path[64];
  struct stat own;
  snprintf(path, sizeof path, "%d/ns/mnt", (int)getpid());
  if (fstatat(proc, path, &own, 0) < 0) return;
  for (int pass = 0; pass < 1000; pass++) {
    int dirfd = openat(proc, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) return;
    DIR *d = fdopendir(dirfd);
    if (!d) {
      close(dirfd);
      return;
    }
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] < '1' || e->d_name[0] > '9' || strspn(e->d_name, "0123456789") != strlen(e->d_name)) continue;
      pid_t pid = (pid_t)atoi(e->d_name);
      if (pid == getpid()) continue;
      int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
      struct stat st;
      snprintf(path, sizeof path, "%d/ns/mnt", (int)pid);
      if (fstatat(proc, path, &st, 0) == 0 && st.st_ino == own.st_ino && st.st_dev == own.st_dev) {
        found = 1;
        if (pidfd >= 0) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        else kill(pid, SIGKILL);
      }
      if (pidfd >= 0) close(pidfd);
    }
    closedir(d);
    if (!found) return;
    /* What was killed is gone within a pass or two; one in uninterruptible sleep is waited for (at most about a second). */
    usleep(1000);
  }
}

/*
 * One launch (the launcher's part of main): `report` is the id to write `S <id> <pid>` for, or
 * NULL. Returns the exit status (a signal is raised again on itself first).
 */
static int launch(int argc, char **argv, const char *report) {
  struct spec s;
  parse(argc, argv, &s);
  /* The target's PID namespace, opened while /proc is the host's (before any setns). */
  int target_ns = -1;
  if (s.target_pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/ns/pid", s.target_pid);
    target_ns = open(path, O_RDONLY | O_CLOEXEC);
    if (target_ns < 0) fail("the target container's PID namespace (%s): %s", path, strerror(errno));
  }
  /* This /proc, for kill_rest once the program has ended (the container mounts its own over it). */
  int host_proc = -1;
  if (target_ns >= 0 && (host_proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) fail("cannot open /proc: %s", strerror(errno));
  /* The pod's directory is the launcher's working directory too: a launcher forked by the
   * server has the server's command line, and clean-up after a crashed agent knows a
   * hostNetwork pod's launcher by its directory (src/node/stale-state.ts). */
  /* Forked from a server with a lean mount namespace: names are made and entered in the host's. */
  if (host_mnt >= 0 && setns(host_mnt, CLONE_NEWNS) < 0) fail("cannot enter the host's mount namespace: %s", strerror(errno));
  if (s.adopt) adopt_netns(s.adopt, s.netns);
  else if (s.netns) enter_netns(s.netns);
  if (lean_mnt >= 0 && setns(lean_mnt, CLONE_NEWNS) < 0) fail("cannot enter the launch server's mount namespace: %s", strerror(errno));
  if (host_mnt >= 0) close(host_mnt);
  if (lean_mnt >= 0) close(lean_mnt);
  if (s.dir && chdir(s.dir) < 0) fail("cd %s: %s", s.dir, strerror(errno));
  int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | (target_ns >= 0 ? 0 : CLONE_NEWPID);
  if (unshare(flags) < 0) fail("unshare failed: %s", strerror(errno));
  /* The child forked below is born in the target's PID namespace (setns sets it for children). */
  if (target_ns >= 0) {
    if (setns(target_ns, CLONE_NEWPID) < 0) fail("cannot enter the target container's PID namespace: %s", strerror(errno));
    close(target_ns);
  }
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail("cannot change root filesystem propagation: %s", strerror(errno));
  if (s.netns) {
    remount_sys(s.netns);
    bind_etc_netns(s.netns);
  }
  /* As unshare --fork: SIGINT and SIGTERM wait while the launcher waits; PID 1 gets the old mask. */
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &block, &old) < 0) fail("sigprocmask block failed: %s", strerror(errno));
  /* With KUBITO_LAUNCH_REPORT=<id> (the agent's command helper sets it), once the program has
   * been exec'd (or its PID 1 ended first) the launcher writes `S <id> <pid>` on its stdout, the
   * helper's report pipe, then points its stdout at /dev/null: the agent need not poll /proc. */
  int ready[2] = {-1, -1};
  if (report && (strlen(report) > 20 || strspn(report, "0123456789") != strlen(report) || !*report)) report = NULL;
  if (report && pipe2(ready, O_CLOEXEC) < 0) fail("pipe failed: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) fail("fork failed: %s", strerror(errno));
  if (pid == 0) {
    if (report) close(ready[0]);
    container(&s, &old);
  }
  if (report) {
    close(ready[1]);
    char c;
    while (read(ready[0], &c, 1) < 0 && errno == EINTR) {
    }
    close(ready[0]);
    dprintf(1, "S %s %d\n", report, (int)pid);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, 1);
      close(null);
    }
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid failed: %s", strerror(errno));
  }
  if (host_proc >= 0) kill_rest(host_proc);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    /* The launcher ends by the same signal (no core file of its own). */
    int sig = WTERMSIG(status);
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    kill(getpid(), sig);
    return 128 + sig;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--serve") == 0) return serve(argv[0], argv[2]);
  return launch(argc, argv, getenv("KUBITO_LAUNCH_REPORT"));
}
