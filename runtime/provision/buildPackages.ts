// The compiler, tools and library headers CPython's build needs, as packages of the machine's own
// package manager (apt, dnf, pacman, apk): checked before configuring, named with the line that
// installs them, and installed only when ftpy runs as root and was asked to.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { UserFacingError } from '../errors';
import { CommandOutput, runCommand } from './commands';

export interface PackageManager {
  name: 'apt' | 'dnf' | 'pacman' | 'apk';
  /** The packages that bring gcc, make, xz and the headers of the modules ftpy's runtime builds. */
  packages: readonly string[];
  /** The command that lists which of `packages` are installed, and how to read its output. */
  query(packages: readonly string[]): { command: string; args: string[]; installed(stdout: string): string[] };
  install(packages: readonly string[]): string[];
}

const firstWords = (stdout: string) => stdout.split('\n').flatMap((line) => line.trim().split(/\s+/)[0] || []);

export const PACKAGE_MANAGERS: Record<PackageManager['name'], PackageManager> = {
  apt: {
    name: 'apt',
    packages: [
      'gcc',
      'make',
      'libc6-dev',
      'pkg-config',
      'xz-utils',
      'libssl-dev',
      'zlib1g-dev',
      'libffi-dev',
      'libsqlite3-dev',
      'libbz2-dev',
      'liblzma-dev',
      'libreadline-dev',
      'libncurses-dev',
      'uuid-dev',
      'libgdbm-dev',
    ],
    query: (packages) => ({
      command: 'dpkg-query',
      args: ['-W', '-f', '${db:Status-Status} ${Package}\n', ...packages],
      installed: (stdout) =>
        stdout
          .split('\n')
          .filter((line) => line.startsWith('installed '))
          .map((line) => line.split(' ')[1].replace(/:.*/, '')),
    }),
    install: (packages) => ['apt-get', 'install', '-y', '--no-install-recommends', ...packages],
  },
  dnf: {
    name: 'dnf',
    packages: [
      'gcc',
      'make',
      'pkgconf-pkg-config',
      'xz',
      'openssl-devel',
      'zlib-devel',
      'libffi-devel',
      'sqlite-devel',
      'bzip2-devel',
      'xz-devel',
      'readline-devel',
      'ncurses-devel',
      'libuuid-devel',
      'gdbm-devel',
    ],
    // rpm prints "package X is not installed" for the others.
    query: (packages) => ({ command: 'rpm', args: ['-q', '--qf', '%{NAME}\n', ...packages], installed: firstWords }),
    install: (packages) => ['dnf', 'install', '-y', ...packages],
  },
  pacman: {
    name: 'pacman',
    packages: ['gcc', 'make', 'pkgconf', 'xz', 'openssl', 'zlib', 'libffi', 'sqlite', 'bzip2', 'readline', 'ncurses', 'util-linux-libs', 'gdbm'],
    query: (packages) => ({ command: 'pacman', args: ['-Q', ...packages], installed: firstWords }),
    install: (packages) => ['pacman', '-S', '--needed', '--noconfirm', ...packages],
  },
  apk: {
    name: 'apk',
    packages: [
      'gcc',
      'make',
      'musl-dev',
      'linux-headers',
      'pkgconf',
      'xz',
      'openssl-dev',
      'zlib-dev',
      'libffi-dev',
      'sqlite-dev',
      'bzip2-dev',
      'xz-dev',
      'readline-dev',
      'ncurses-dev',
      'util-linux-dev',
      'gdbm-dev',
    ],
    query: (packages) => ({ command: 'apk', args: ['info', '-e', ...packages], installed: firstWords }),
    install: (packages) => ['apk', 'add', ...packages],
  },
};

/** The package manager of the distribution /etc/os-release describes (its ID, then ID_LIKE). */
export function packageManagerOf(osRelease: string): PackageManager | undefined {
  const field = (name: string) => (new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm').exec(osRelease)?.[1] ?? '').split(/\s+/).filter(Boolean);
  for (const id of [...field('ID'), ...field('ID_LIKE')]) {
    if (['debian', 'ubuntu'].includes(id)) return PACKAGE_MANAGERS.apt;
    if (['fedora', 'rhel', 'centos'].includes(id)) return PACKAGE_MANAGERS.dnf;
    if (['arch', 'archlinux'].includes(id)) return PACKAGE_MANAGERS.pacman;
    if (id === 'alpine') return PACKAGE_MANAGERS.apk;
  }
  return undefined;
}

/** Which of the manager's build packages are not installed, asked of the manager itself. */
export function missingPackages(manager: PackageManager, packages: readonly string[] = manager.packages): string[] {
  const { command, args, installed } = manager.query(packages);
  let listed = '';
  try {
    listed = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // These queries exit non-zero when some package is missing, and still list the others.
    listed = String((error as { stdout?: string }).stdout ?? '');
  }
  const present = new Set(installed(listed));
  return packages.filter((name) => !present.has(name));
}

/** Checks the build tools; installs the missing ones when asked and root, else names the line that does. */
export async function ensureBuildTools(output: CommandOutput, install: boolean, osRelease = readOsRelease()): Promise<void> {
  const manager = packageManagerOf(osRelease);
  if (!manager) {
    output.write('Unknown distribution (no /etc/os-release ID ftpy knows): assuming a C compiler, make, xz and the usual -dev headers are installed.\n');
    return;
  }
  const missing = missingPackages(manager);
  if (missing.length === 0) return;
  const line = manager.install(missing).join(' ');
  if (!install || process.getuid?.() !== 0) {
    const how = install
      ? `\`sudo ${line}\` (ftpy installs them only when it runs as root)`
      : `\`sudo ${line}\`, or run \`ftpy runtime --install-build-tools\` as root`;
    throw new UserFacingError(
      `Building the embedded free-threaded runtime needs these ${manager.name} packages: ${missing.join(', ')}. Install them with ${how}, then try again.`,
    );
  }
  output.write(`Installing build tools: ${missing.join(' ')}\n`);
  const [command, ...args] = manager.install(missing);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await runCommand(command, args, { output, env });
  } catch (error) {
    if (manager.name !== 'apt') throw error;
    // A fresh Debian machine may have no package lists yet (or stale ones): refresh once.
    await runCommand('apt-get', ['update'], { output, env });
    await runCommand(command, args, { output, env });
  }
}

function readOsRelease(): string {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      // the other place
    }
  }
  return '';
}
