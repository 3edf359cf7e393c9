// Our packaged extension, installed into this checkout's own extensions dir
// (never the user's), and only when its content changed.
import fs from 'node:fs';
import path from 'node:path';
import { checkoutCache, extensionsDir } from './paths.mjs';
import { run } from './run.mjs';
import { vsixFingerprint } from './vsix.mjs';

const marker = path.join(extensionsDir, '.ftpy-installed-vsix');

export async function installExtension(codeServer, vsix) {
  const fingerprint = vsixFingerprint(vsix);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === fingerprint) return false;
  fs.mkdirSync(extensionsDir, { recursive: true });
  // code-server's CLI writes a config file when it has none: keep it in this checkout's cache.
  const config = path.join(checkoutCache, 'code-server-cli.yaml');
  await run(codeServer, ['--config', config, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force']);
  fs.writeFileSync(marker, fingerprint);
  return true;
}
