/**
 * @module How the CLI's hints name commands: `npx kubito ...` when the user ran it through npx
 * (the README's way: `npx kubito up`), `kubito ...` otherwise, so that a hint can be pasted as
 * it is. Also the host programs the built-in images run, checked when `up` starts.
 */

/** `npx kubito` under npx (npm sets npm_command=exec there, also for a detached child), else `kubito`. */
export function kubitoCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_command === 'exec' ? 'npx kubito' : 'kubito';
}

/** ` --name NAME` for a cluster other than the default one, else nothing. */
export function nameFlag(name: string): string {
  return name === 'kubito' ? '' : ` --name ${name}`;
}

/** The images that run host programs, the program, and the Debian package that has it. */
const IMAGE_PROGRAMS: Array<{ image: string; program: string; pkg: string }> = [
  { image: 'nginx', program: 'nginx', pkg: 'nginx-light' },
  { image: 'busybox', program: 'busybox', pkg: 'busybox' },
];

/**
 * One warning line per image whose host program is missing (`find` returns its path or
 * undefined), with the apt-get line that installs it; none when all are there.
 */
export function missingImageWarnings(find: (program: string) => string | undefined): string[] {
  const missing = IMAGE_PROGRAMS.filter((p) => !find(p.program));
  if (missing.length === 0) return [];
  const images = missing.map((p) => p.image).join(' and ');
  return [`! images        ${missing.map((p) => p.program).join(' and ')} not installed: pods with the image ${images} will fail with ErrImagePull; install: sudo apt-get install -y ${missing.map((p) => p.pkg).join(' ')}`];
}
