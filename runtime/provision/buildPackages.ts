// The Debian packages CPython's build needs: checked before configuring, installed when we are
// root, named exactly when we are not.
import { execFileSync } from 'node:child_process';
import { UserFacingError } from '../errors';
import { CommandOutput, runCommand } from './commands';

export const BUILD_PACKAGES = [
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
];

export function missingPackages(packages: readonly string[] = BUILD_PACKAGES): string[] {
  let listed = '';
  try {
    listed = execFileSync('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Status}\n', ...packages], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    // dpkg-query exits 1 when some package is unknown, and still lists the others.
    listed = String((error as { stdout?: string }).stdout ?? '');
  }
  const installed = new Set(
    listed
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0].replace(/:.*/, '')),
  );
  return packages.filter((name) => !installed.has(name));
}

export async function ensureBuildPackages(output: CommandOutput): Promise<void> {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new UserFacingError(
      `Building the embedded free-threaded runtime needs these Debian packages: ${missing.join(', ')}. Install them with \`sudo ${command}\`, then try again.`,
    );
  }
  output.write(`Installing build dependencies: ${missing.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { output, env });
  } catch {
    await runCommand('apt-get', ['update'], { output, env });
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { output, env });
  }
}
