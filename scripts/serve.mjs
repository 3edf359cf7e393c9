// Serves a real VS Code (code-server) on a loopback port with our installed
// extension and a folder opened; prints the URL, then "ready" once it answers, with
// the random password it asks for (the workbench has a terminal: without a password,
// any local user could run commands as you).
// SIGINT/SIGTERM (Ctrl-C) stop code-server and everything it started.
//
//   node scripts/serve.mjs [--port N] [--folder DIR] [--user-data-dir DIR] [--until-stdin-closes] [--workspace-trust] [--env JSON] [--settings JSON]
//
// For the tests: --workspace-trust turns Workspace Trust on (the folder opens untrusted, in
// Restricted Mode); --env adds variables to VS Code's environment only (the extension host and
// the debug adapters it starts inherit them; e.g. FTPY_HOME, the extension's runtime, or HOME);
// --settings adds user settings to a new profile's.
//
// `npm start` runs this after bootstrapping; the end-to-end tests run it too (with
// --until-stdin-closes, so code-server also goes away if the test process dies).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { codeServerBin } from './lib/code-server.mjs';
import { checkoutCache, examplesDir, extensionsDir } from './lib/paths.mjs';
import { openPrivateLog } from './lib/run.mjs';

/** Settings that keep the workbench quiet and deterministic (no welcome page, no trust prompt, a DOM terminal). */
const settings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  'git.openRepositoryInParentFolders': 'never',
};

const readyTimeoutMs = 60_000;
const stopTimeoutMs = 5_000;

/**
 * Starts code-server; resolves once its URL answers. `stop()` ends its whole
 * process group (server, extension host, file watcher, terminals' hosts); so
 * does aborting `signal`, also while it is still starting.
 */
export async function serveWorkbench({ port, folder, userDataDir, signal, workspaceTrust = false, env = {}, extraSettings = {} }) {
  const userSettings = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(userSettings)) {
    fs.mkdirSync(path.dirname(userSettings), { recursive: true });
    const trust = workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
    fs.writeFileSync(userSettings, JSON.stringify({ ...settings, ...trust, ...extraSettings }, null, 2));
  }
  const url = `http://127.0.0.1:${port}/`;
  const password = randomBytes(12).toString('base64url');
  const logFile = path.join(userDataDir, 'code-server.log');
  const log = openPrivateLog(logFile, { truncate: true });
  const args = [
    '--auth',
    'password',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    // Its config file (it writes one when missing) stays in the profile, not in ~/.config.
    '--config',
    path.join(userDataDir, 'config.yaml'),
    '--extensions-dir',
    extensionsDir,
    folder,
  ];
  // Its own process group, so stopping it reaches every process it started.
  // The password goes in its environment (readable by this user only), not on its command line.
  const child = spawn(codeServerBin(), args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env, PASSWORD: password },
  });
  fs.closeSync(log);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      if (hasExited()) return;
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
      signalGroup(child.pid, 'SIGKILL'); // whatever outlived the server
    })());
  signal?.addEventListener('abort', stop, { once: true });

  const exitedEarly = () => {
    const output = fs.readFileSync(logFile, 'utf8');
    const hint = /EADDRINUSE/.test(output) ? ` Port ${port} is in use: choose another with FTPY_PORT.` : '';
    return new Error(`code-server exited before it answered.${hint}\n--- ${logFile} ---\n${output.trim().split('\n').slice(-20).join('\n')}`);
  };
  try {
    const deadline = Date.now() + readyTimeoutMs;
    while ((await httpStatus(url)) === undefined) {
      if (signal?.aborted) throw new Error('stopped while starting');
      if (hasExited()) throw exitedEarly();
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${readyTimeoutMs / 1000} s; see ${logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, password, logFile, pid: child.pid, stop };
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** The HTTP status `url` answers with, or undefined while nothing (or a server error) answers. */
function httpStatus(url) {
  return new Promise((resolve) => {
    http
      .get(url, (response) => {
        response.resume();
        const status = response.statusCode ?? 500;
        resolve(status < 500 ? status : undefined);
      })
      .on('error', () => resolve(undefined));
  });
}

function jsonObject(option, text, what) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    // reported below
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${option} ${text}: give a JSON object of ${what}`);
  return value;
}

/** The CLI: serve until a signal (or the end of stdin with --until-stdin-closes). */
export async function serveUntilStopped(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.FTPY_PORT || '8080' },
      folder: { type: 'string', default: examplesDir },
      'user-data-dir': { type: 'string', default: path.join(checkoutCache, 'user-data') },
      'until-stdin-closes': { type: 'boolean', default: false },
      'workspace-trust': { type: 'boolean', default: false },
      env: { type: 'string', default: '{}' },
      settings: { type: 'string', default: '{}' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port ${values.port}: use a number 1-65535 (FTPY_PORT)`);

  const extraSettings = jsonObject('--settings', values.settings, 'VS Code settings, as in settings.json');
  const folder = path.resolve(values.folder);
  // Signals stop code-server from the moment it is spawned, not only once it answers.
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  if (values['until-stdin-closes']) process.stdin.on('end', stop).on('error', stop).resume();

  console.log(`ftpy: starting VS Code (code-server) with ${folder} at http://127.0.0.1:${port}/`);
  let server;
  try {
    server = await serveWorkbench({
      port,
      folder,
      userDataDir: path.resolve(values['user-data-dir']),
      signal: stopping.signal,
      workspaceTrust: values['workspace-trust'],
      env: jsonObject('--env', values.env, 'variables and their values (strings)'),
      extraSettings,
    });
  } catch (error) {
    if (stopping.signal.aborted) process.exit(0);
    throw error;
  }
  // serveWorkbench stops code-server on abort; leave once it has.
  const leave = () => server.stop().then(() => process.exit(0));
  if (stopping.signal.aborted) leave();
  else stopping.signal.addEventListener('abort', leave, { once: true });
  console.log(`ftpy: ready: open ${server.url} with password ${server.password} (code-server pid ${server.pid}, log ${server.logFile}; Ctrl-C stops it)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  serveUntilStopped(process.argv.slice(2)).catch((error) => {
    console.error(`ftpy: ${error.message}`);
    process.exit(1);
  });
}
