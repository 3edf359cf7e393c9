// Our packaged extension, installed into this checkout's own extensions dir
// (never the user's), and only when its content changed.
import fs from 'node:fs';
import path from 'node:path';
import { extensionsDir } from './paths.mjs';
import { run } from './run.mjs';
import { vsixFingerprint } from './vsix.mjs';

const marker = path.join(extensionsDir, '.ftpy-installed-vsix');

export async function installExtension(codeServer, vsix) {
  const fingerprint = vsixFingerprint(vsix);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === fingerprint) return false;
  fs.mkdirSync(extensionsDir, { recursive: true });
  await run(codeServer, ['--extensions-dir', extensionsDir, '--install-extension', vsix, '--force']);
  fs.writeFileSync(marker, fingerprint);
  return true;
}
