// The browser that drives code-server in the end-to-end tests: Debian's
// chromium (playwright's own browsers would be downloaded, impossible here).
import { ensureDebianPackages } from './apt.mjs';

export const chromiumPath = '/usr/bin/chromium';

/** Flags for a headless, quiet, offline browser running as root in a container. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function ensureChromium() {
  await ensureDebianPackages(['chromium'], 'the end-to-end tests');
  return chromiumPath;
}
