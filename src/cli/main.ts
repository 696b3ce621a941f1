#!/usr/bin/env node
/**
 * @module The `kubito` command: up, down, status, kubeconfig (DESIGN.md's contract), doctor, proxy rules and node exec. Thin:
 * parses flags and calls the packages.
 */
import { parseCommonFlags, parseUpFlags, UsageError } from './flags.js';

const USAGE = `kubito: a Kubernetes-compatible cluster on one machine

Usage:
  kubito up [--detach] [--name NAME] [--data-dir DIR] [--kubeconfig PATH] [--api-port N]
            [--store sqlite|memory|etcd] [--proxy-mode nftables|iptables|userspace]
            [--dns-upstream ADDR[:PORT][,...]|none]   (default: the host's /etc/resolv.conf)
  kubito down [--name NAME] [--data-dir DIR]
  kubito status [--name NAME] [--data-dir DIR]
  kubito kubeconfig [--name NAME] [--data-dir DIR]
  kubito doctor [svc/NAME] [-n NAMESPACE] [--name NAME] [--data-dir DIR]
                                      why a Service has no endpoints or gets no traffic
  kubito proxy rules [--name NAME] [--data-dir DIR]
  kubito node exec [--name NAME] [--data-dir DIR] -- COMMAND [ARG...]
                                      runs COMMAND in the node's network namespace
                                      (e.g. kubito node exec -- iptables-save)
`;

/**
 * Output that cannot be written (EPIPE: whoever read `kubito up`'s output went away, or
 * `kubito kubeconfig | head -1`; EIO: its terminal hung up) is dropped, not thrown: an unhandled 'error' on stdout would
 * end `up` in the middle of its shutdown, leaving its pods' namespaces and processes behind.
 */
function dropOutputErrors(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err;
  });
}

async function main(argv: string[]): Promise<number> {
  dropOutputErrors(process.stdout);
  dropOutputErrors(process.stderr);
  const [command, ...args] = argv;
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  // `kubito up --help` as well as `kubito --help`: the usage, on stdout, exit 0.
  // (For `node exec`, only the flags before `--`: what follows is the command's own.)
  const own = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (command !== undefined && (own.includes('--help') || own.includes('-h'))) {
    process.stdout.write(USAGE);
    return 0;
  }
  switch (command) {
    // Each command loads only its own modules: `up` is timed from the start of the process.
    case 'up': {
      const { up } = await import('./up.js');
      await up(parseUpFlags(args), out);
      return 0;
    }
    case 'down': {
      const { down } = await import('./down.js');
      await down(parseCommonFlags(args), out);
      return 0;
    }
    case 'status': {
      const { status } = await import('./status.js');
      return (await status(parseCommonFlags(args), out)) ? 0 : 1;
    }
    case 'doctor': {
      const { doctor } = await import('./doctor.js');
      return (await doctor(args, out)) ? 0 : 1;
    }
    case 'proxy': {
      const { proxyCommand } = await import('./proxy.js');
      return proxyCommand(args, (text) => process.stdout.write(text));
    }
    case 'node': {
      const [sub, ...rest] = args;
      if (sub !== 'exec') throw new UsageError(sub ? `unknown node subcommand "${sub}" (try: kubito node exec -- iptables-save)` : 'kubito node needs a subcommand: exec');
      const { nodeExec } = await import('./node-exec.js');
      return nodeExec(rest);
    }
    case 'kubeconfig': {
      const { kubeconfig } = await import('./kubeconfig.js');
      process.stdout.write(kubeconfig(parseCommonFlags(args)));
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`kubito: ${err.message}\n\n${USAGE}`);
    else process.stderr.write(`kubito: ${err instanceof Error ? err.message : String(err)}\n`);
    // Exit now: a failure may leave handles open (a half-started server) that would keep the process up.
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
