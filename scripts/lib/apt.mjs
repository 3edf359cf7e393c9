// Debian packages the tools need, installed with apt's own client when we are
// root; otherwise one message that says exactly what to install.
import { capture, run } from './run.mjs';
import { note } from './step.mjs';

export async function ensureDebianPackages(packages, purpose) {
  const missing = [];
  for (const name of packages) if (!(await isInstalled(name))) missing.push(name);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`${purpose} needs the Debian package(s) ${missing.join(', ')}: run \`sudo ${command}\`, then try again.`);
  }
  note(`installing Debian package(s) ${missing.join(', ')} (${purpose})`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const args = ['install', '-y', '-q', '--no-install-recommends', ...missing];
  try {
    await run('apt-get', args, { env });
  } catch {
    // A fresh machine may have no package lists yet (or stale ones): refresh once.
    await run('apt-get', ['update', '-q'], { env });
    await run('apt-get', args, { env });
  }
}

async function isInstalled(name) {
  try {
    return (await capture('dpkg-query', ['-W', '-f=${Status}', name])).trim() === 'install ok installed';
  } catch {
    return false;
  }
}
