/**
 * @module The image catalog: pods run host programs, and an image name says which. `nginx` is
 * the host's nginx with a generated configuration; `busybox` the host's busybox (its applets
 * first on PATH); `registry.k8s.io/e2e-test-images/agnhost` (and `registry.k8s.io/pause`,
 * `registry.k8s.io/serve_hostname`) a built-in implementation; any other image runs only with an explicit `command`. Pure: the
 * runtime supplies what is installed on the host (`HostTools`).
 */
import type { ImageAccounts } from './security-context.js';

export type ImageKind = 'nginx' | 'busybox' | 'agnhost' | 'pause' | 'command';

export interface ImageRef {
  /** `docker.io/library/nginx`, `registry.k8s.io/e2e-test-images/agnhost`. */
  repository: string;
  tag: string;
  digest: string;
  /** How the status shows it: `docker.io/library/nginx:latest`. */
  normalized: string;
}

/** Parses an image reference the way the container runtime normalizes it (Docker Hub defaults). */
export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const hasRegistry = parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost');
  let repository = rest;
  if (!hasRegistry) repository = parts.length === 1 ? `docker.io/library/${rest}` : `docker.io/${rest}`;
  // Docker Hub named with its registry, as the runtime normalizes it (distribution's
  // ParseNormalizedNamed): `docker.io/busybox` and `index.docker.io/busybox` are
  // docker.io/library/busybox.
  else if (parts[0] === 'docker.io' || parts[0] === 'index.docker.io') repository = `docker.io/${parts.length === 2 ? 'library/' : ''}${parts.slice(1).join('/')}`;
  if (!tag && !digest) tag = 'latest';
  const normalized = `${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { repository, tag, digest, normalized };
}

const CATALOG: Record<string, ImageKind> = {
  'docker.io/library/nginx': 'nginx',
  'docker.io/library/busybox': 'busybox',
  // The busybox images of older Kubernetes docs (Debug Services runs gcr.io/google-containers/busybox).
  'registry.k8s.io/busybox': 'busybox',
  'k8s.gcr.io/busybox': 'busybox',
  'gcr.io/google-containers/busybox': 'busybox',
  'gcr.io/google_containers/busybox': 'busybox',
  // Busybox with curl (the host's, on PATH): the Connecting Applications with Services
  // tutorial's radial/busyboxplus:curl, and curlimages/curl (its entrypoint, below).
  'docker.io/radial/busyboxplus': 'busybox',
  'docker.io/curlimages/curl': 'busybox',
  'registry.k8s.io/e2e-test-images/agnhost': 'agnhost',
  'k8s.gcr.io/e2e-test-images/agnhost': 'agnhost',
  'gcr.io/kubernetes-e2e-test-images/agnhost': 'agnhost',
  // serve_hostname, agnhost's serve-hostname before agnhost (its ENTRYPOINT, below): the
  // backends of the Debug Services guide (`kubectl create deployment hostnames --image=registry.k8s.io/serve_hostname`).
  'registry.k8s.io/serve_hostname': 'agnhost',
  'k8s.gcr.io/serve_hostname': 'agnhost',
  'gcr.io/google_containers/serve_hostname': 'agnhost',
  'gcr.io/google-containers/serve_hostname': 'agnhost',
  'registry.k8s.io/pause': 'pause',
  'k8s.gcr.io/pause': 'pause',
};

/**
 * Busybox-based images whose entrypoint runs a program on args that are not a command of their
 * own (curlimages/curl's entrypoint.sh: `curl "$@"` when $1 is an option or no command).
 */
const BUSYBOX_ENTRYPOINTS: Record<string, string> = { 'docker.io/curlimages/curl': 'curl' };

/** The agnhost subcommand an image's ENTRYPOINT is (its args are the subcommand's flags), and the program path it has. */
const AGNHOST_ENTRYPOINTS: Record<string, { sub: string; program: string }> = {
  'registry.k8s.io/serve_hostname': { sub: 'serve-hostname', program: '/serve_hostname' },
  'k8s.gcr.io/serve_hostname': { sub: 'serve-hostname', program: '/serve_hostname' },
  'gcr.io/google_containers/serve_hostname': { sub: 'serve-hostname', program: '/serve_hostname' },
  'gcr.io/google-containers/serve_hostname': { sub: 'serve-hostname', program: '/serve_hostname' },
};

/** What is on the host for the catalog to use. */
export interface HostTools {
  nginx?: string;
  busybox?: string;
  /** The directory of symlinks named after busybox's applets. */
  busyboxBin?: string;
  /** argv prefix running the built-in agnhost (`node .../agnhost/main.js`). */
  agnhost: string[];
  /** A directory holding an `agnhost` launcher, for commands that name it. */
  agnhostBin?: string;
  /** The busybox image's /etc/passwd and /etc/group (files, bound for a container given a user) and their entries. */
  busyboxEtc?: { passwd: string; group: string };
  busyboxAccounts?: ImageAccounts;
  /** Busybox applet names, to map `/bin/wget` and the like to busybox when the host lacks them. */
  applets?: Set<string>;
  /** True when the path exists on the host. */
  exists(path: string): boolean;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** How to run one container: its argv before the image's own set-up, and what the image adds. */
export interface ImagePlan {
  kind: ImageKind;
  ref: ImageRef;
  /** The process argv ($(VAR) already expanded by the caller in command/args). */
  argv: string[];
  /** PATH for the process. */
  path: string;
  /** Signal the image stops with (the Dockerfile's STOPSIGNAL): nginx quits gracefully on SIGQUIT. */
  stopSignal: NodeJS.Signals;
  /** Set for `nginx` without command/args: the runtime generates the configuration. */
  nginx?: { ports: number[] };
}

/** Why an image cannot run: ErrImagePull's message. */
export class ImagePullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImagePullError';
  }
}

/** An imageID for the status: stable per image and host program. */
export function imageId(plan: Pick<ImagePlan, 'ref'>): string {
  return `${plan.ref.repository}@kubito:host`;
}

/**
 * The uid of the image's user (its config's `User`), which the kubelet's verifyRunAsNonRoot
 * reads: 65535 for the pause image (`USER 65535:65535`), root for the others (busybox, nginx,
 * agnhost, and any image kubito does not know). Pure.
 */
export function imageUid(kind: ImageKind): number {
  return kind === 'pause' ? 65535 : 0;
}

/**
 * Resolves a container's image to a process. Throws ImagePullError (the pod shows ErrImagePull
 * then ImagePullBackOff) when kubito has no such image and the container gives no command, or
 * when the host lacks the program the image stands for.
 */
export function planImage(container: { image?: string; command?: string[]; args?: string[]; ports?: Array<{ containerPort: number; protocol?: string }> }, tools: HostTools): ImagePlan {
  const image = container.image ?? '';
  const ref = parseImageRef(image);
  const kind: ImageKind = CATALOG[ref.repository] ?? 'command';
  const command = container.command ?? [];
  const args = container.args ?? [];
  const hint = 'kubito runs host programs: use the image nginx, busybox or registry.k8s.io/e2e-test-images/agnhost, or give the container a command to run';
  const missing = (program: string, pkg: string): ImagePullError =>
    new ImagePullError(`Failed to pull image "${image}": the image ${ref.repository} runs the host's ${program}, which is not installed; install ${pkg} (apt-get install ${pkg})`);

  switch (kind) {
    case 'nginx': {
      if (!tools.nginx) throw missing('nginx', 'nginx-light');
      if (command.length === 0 && args.length === 0) {
        const ports = (container.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort);
        return { kind, ref, argv: [tools.nginx], path: DEFAULT_PATH, stopSignal: 'SIGQUIT', nginx: { ports } };
      }
      return { kind, ref, argv: command.length ? [...command, ...args] : args, path: DEFAULT_PATH, stopSignal: 'SIGQUIT' };
    }
    case 'busybox': {
      if (!tools.busybox || !tools.busyboxBin) throw missing('busybox', 'busybox');
      const program = BUSYBOX_ENTRYPOINTS[ref.repository];
      if (program && !hostProgram(program, tools)) throw missing(program, program);
      const viaEntrypoint = program !== undefined && command.length === 0 && (args.length === 0 || args[0].startsWith('-') || !hostProgram(args[0], tools));
      const argv = viaEntrypoint ? [program, ...args] : command.length ? [...command, ...args] : args.length ? args : ['sh'];
      return { kind, ref, argv: imageArgv(kind, argv, tools), path: `${tools.busyboxBin}:${DEFAULT_PATH}`, stopSignal: 'SIGTERM' };
    }
    case 'agnhost':
    case 'pause': {
      const path = [tools.agnhostBin, tools.busyboxBin, DEFAULT_PATH].filter(Boolean).join(':');
      const entrypoint = AGNHOST_ENTRYPOINTS[ref.repository];
      if (entrypoint && (command.length === 0 || command[0] === entrypoint.program)) {
        return { kind, ref, argv: [...tools.agnhost, entrypoint.sub, ...command.slice(1), ...args], path, stopSignal: 'SIGTERM' };
      }
      if (command.length === 0) {
        const sub = kind === 'pause' ? ['pause'] : args.length ? args : ['pause'];
        return { kind, ref, argv: [...tools.agnhost, ...sub], path, stopSignal: 'SIGTERM' };
      }
      const argv = [...command, ...args];
      if (argv[0] === '/agnhost' || argv[0] === 'agnhost' || argv[0] === '/pause') {
        const sub = argv[0] === '/pause' ? ['pause', ...argv.slice(1)] : argv.slice(1);
        return { kind, ref, argv: [...tools.agnhost, ...sub], path, stopSignal: 'SIGTERM' };
      }
      return { kind, ref, argv: imageArgv(kind, argv, tools), path, stopSignal: 'SIGTERM' };
    }
    default: {
      if (command.length === 0) {
        throw new ImagePullError(`Failed to pull image "${image}": kubito has no image ${ref.repository}; ${hint}`);
      }
      return { kind, ref, argv: [...command, ...args], path: DEFAULT_PATH, stopSignal: 'SIGTERM' };
    }
  }
}

/** Whether `name` runs in a busybox-based image: an applet, or a program on the image's PATH (the host's). */
function hostProgram(name: string, tools: HostTools): boolean {
  if (name.includes('/')) return tools.exists(name);
  return tools.applets?.has(name) === true || DEFAULT_PATH.split(':').some((dir) => tools.exists(`${dir}/${name}`));
}

/**
 * A program path as the image has it, on the host: in the busybox image every applet under
 * /bin, /sbin, /usr/bin and /usr/sbin is busybox (so `/bin/sh` is busybox's ash, with its line
 * editing, not the host's dash); elsewhere (agnhost) an absolute applet path is mapped to
 * busybox only when the host lacks that file. Used for the container's command and for exec.
 */
export function imageArgv(kind: ImageKind, argv: string[], tools: HostTools): string[] {
  const first = argv[0] ?? '';
  const m = /^\/(?:usr\/)?s?bin\/([^/]+)$/.exec(first);
  if (!m || !tools.busyboxBin || !tools.applets?.has(m[1])) return argv;
  if (kind !== 'busybox' && tools.exists(first)) return argv;
  return [`${tools.busyboxBin}/${m[1]}`, ...argv.slice(1)];
}
