// code-server (a real VS Code served to a browser), installed from npm into the
// shared cache, outside the project's node_modules: its postinstall builds
// VS Code's native modules, which is slow and needs root-only tweaks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDebianPackages } from './apt.mjs';
import { ftpyHome } from './paths.mjs';
import { capture, run } from './run.mjs';
import { note } from './step.mjs';

/** The newest code-server that accepts Node 20 (4.104+ want Node 22). */
export const codeServerVersion = '4.100.3';

const installDir = path.join(ftpyHome, 'code-server', codeServerVersion);
const binPath = path.join(installDir, 'node_modules', '.bin', 'code-server');

/** The installed code-server executable, or one clear error saying how to get it. */
export function codeServerBin() {
  if (!fs.existsSync(binPath)) {
    throw new Error(`code-server ${codeServerVersion} is not installed in ${installDir}: run \`npm start\` or \`npm test\` once (they install it).`);
  }
  return binPath;
}

/** Installs code-server unless a complete install is already cached; returns its executable. */
export async function ensureCodeServer() {
  if (fs.existsSync(binPath)) return binPath;
  // kerberos (a VS Code dependency) compiles against gssapi; ripgrep replaces a GitHub download.
  await ensureDebianPackages(['libkrb5-dev', 'ripgrep'], 'installing code-server');

  // Install into a staging dir of our own and rename it when complete: the cache never holds
  // half an install, and checkouts bootstrapping at the same time do not share a staging dir.
  removeAbandonedStaging();
  const staging = `${installDir}.partial-${process.pid}`;
  fs.mkdirSync(staging, { recursive: true });
  const logFile = path.join(staging, 'install.log');
  note(`installing code-server ${codeServerVersion} into ${installDir} (a few minutes; log: ${logFile})`);
  fs.writeFileSync(
    path.join(staging, 'package.json'),
    // argon2 (password hashing, loaded at startup) builds a native module; code-server's
    // postinstall installs VS Code's dependencies (their scripts run in that nested install).
    JSON.stringify({ private: true, allowScripts: { 'code-server': true, argon2: true } }, null, 2),
  );
  const npmOptions = {
    cwd: staging,
    logFile,
    // code-server's postinstall refuses root without unsafe-perm; node-pty's runs `npx node-gyp`.
    env: { npm_config_unsafe_perm: 'true', npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
  };
  // Unpack first without scripts, so ripgrep's download can be served from a local archive
  // before the install scripts run.
  await run('npm', ['install', '--ignore-scripts', `code-server@${codeServerVersion}`], npmOptions);
  const packageDir = path.join(staging, 'node_modules', 'code-server');
  await provideRipgrepArchive(path.join(packageDir, 'lib', 'vscode', 'npm-shrinkwrap.json'), staging);
  await run('npm', ['rebuild', '--foreground-scripts'], npmOptions);
  verifyPostinstall(packageDir, logFile);
  // --config: even --version writes a default config file, which belongs in the cache, not ~/.config.
  const smokeTest = ['--config', path.join(staging, 'config.yaml'), '--version'];
  await run(path.join(staging, 'node_modules', '.bin', 'code-server'), smokeTest, { logFile });

  try {
    fs.renameSync(staging, installDir);
  } catch (error) {
    // Another bootstrap finished first: use its install.
    if (!fs.existsSync(binPath)) throw error;
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return binPath;
}

/** Staging dirs left by bootstraps that died (their pid is gone). */
function removeAbandonedStaging() {
  const parent = path.dirname(installDir);
  if (!fs.existsSync(parent)) return;
  const prefix = `${path.basename(installDir)}.partial-`;
  for (const name of fs.readdirSync(parent)) {
    if (name.startsWith(prefix) && !processExists(Number(name.slice(prefix.length)))) {
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  }
}

function processExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable here) unless the
 * release archive is already in its cache dir. Put one there holding Debian's rg, named
 * as that package version's postinstall expects.
 */
async function provideRipgrepArchive(shrinkwrapFile, workDir) {
  const shrinkwrap = JSON.parse(fs.readFileSync(shrinkwrapFile, 'utf8'));
  const version = shrinkwrap.packages['node_modules/@vscode/ripgrep']?.version;
  if (!version) throw new Error(`cannot find @vscode/ripgrep's version in ${shrinkwrapFile}`);
  const tarball = (await capture('npm', ['pack', '--silent', `@vscode/ripgrep@${version}`], { cwd: workDir })).trim();
  const postinstall = await capture('tar', ['-xOzf', path.join(workDir, tarball), 'package/lib/postinstall.js']);
  const release = /const VERSION = '([^']+)'/.exec(postinstall)?.[1];
  if (!release) throw new Error(`cannot find the ripgrep release in @vscode/ripgrep@${version}'s lib/postinstall.js`);
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[os.arch()];
  if (!arch) throw new Error(`code-server install: no ripgrep target for CPU architecture ${os.arch()}`);

  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${version}`);
  const archive = path.join(cacheDir, `ripgrep-${release}-${arch}-unknown-linux-musl.tar.gz`);
  fs.mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed, so a concurrent install never reads half an archive.
  await run('tar', ['-czf', `${archive}.${process.pid}`, '-C', '/usr/bin', 'rg']);
  fs.renameSync(`${archive}.${process.pid}`, archive);
}

/** The postinstall must really have run: VS Code's dependencies, rg and the native terminal module. */
function verifyPostinstall(packageDir, logFile) {
  const vscodeModules = path.join(packageDir, 'lib', 'vscode', 'node_modules');
  const expected = [
    path.join(vscodeModules, '@vscode', 'ripgrep', 'bin', 'rg'),
    path.join(vscodeModules, 'node-pty', 'build', 'Release', 'pty.node'),
    path.join(packageDir, 'lib', 'vscode', 'extensions', 'node_modules'),
  ];
  const missing = expected.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(`code-server's postinstall did not complete (missing ${missing.join(', ')}); see ${logFile}`);
  }
}
