// Debian packages the tools need, installed with apt's own client when we are
// root; otherwise one message that says exactly what to install.
import path from 'node:path';
import { ftpyHome } from './paths.mjs';
import { capture, run } from './run.mjs';
import { note } from './step.mjs';

export async function ensureDebianPackages(packages, purpose) {
  const missing = [];
  for (const name of packages) if (!(await isInstalled(name))) missing.push(name);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`the Debian package(s) ${missing.join(', ')}, needed for ${purpose}, are not installed: run \`sudo ${command}\`, then try again.`);
  }
  const logFile = path.join(ftpyHome, 'logs', 'apt-get.log');
  note(`installing Debian package(s) ${missing.join(', ')}, needed for ${purpose} (log: ${logFile})`);
  const options = { env: { DEBIAN_FRONTEND: 'noninteractive' }, logFile };
  const args = ['install', '-y', '-q', '--no-install-recommends', ...missing];
  try {
    await run('apt-get', args, options);
  } catch {
    // A fresh machine may have no package lists yet (or stale ones): refresh once.
    await run('apt-get', ['update', '-q'], options);
    await run('apt-get', args, options);
  }
}

async function isInstalled(name) {
  try {
    return (await capture('dpkg-query', ['-W', '-f=${Status}', name])).trim() === 'install ok installed';
  } catch {
    return false;
  }
}
