// `npm start`'s path (bootstrap, then serve): the URL it prints answers with VS Code to the
// password it prints, and to no one without it; Ctrl-C (SIGINT) stops code-server and
// everything it started.
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { exited, freePort, groupAlive, killGroup, waitForOutput } from './support/processes';

const repoRoot = path.resolve(__dirname, '..', '..');

suite('e2e: npm start', () => {
  let start: ChildProcess | undefined;
  let codeServerPid: number | undefined;
  let userDataDir: string | undefined;
  let progress = '';

  teardown(async function () {
    if (this.currentTest?.state === 'failed') console.error(`npm start's progress output:\n${progress}`);
    // The rest only does something when the test failed half-way.
    if (start?.pid) killGroup(start.pid);
    if (codeServerPid) killGroup(codeServerPid);
    if (start) await exited(start);
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  test('serves VS Code at the printed URL, to the printed password only, until Ctrl-C, then leaves no process behind', async () => {
    const port = await freePort();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-start-'));
    // The same command as `npm start -- --user-data-dir D`, with FTPY_PORT choosing the port.
    start = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start', '--user-data-dir', userDataDir], {
      cwd: repoRoot,
      env: { ...process.env, FTPY_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    start.stderr?.on('data', (chunk) => (progress += chunk));
    const ready = await waitForOutput(start, /ready: open (\S+) with password (\S+) \(code-server pid (\d+)/, 150_000);
    const url = ready[1];
    const password = ready[2] ?? '';
    codeServerPid = Number(ready[3]);
    assert.equal(url, `http://127.0.0.1:${port}/`);
    assert.match(password, /^[\w-]{16}$/);

    const stranger = await get(url);
    assert.equal(stranger.status, 302, 'without the password: sent to the login page');
    assert.match(stranger.location ?? '', /login/);
    assert.equal((await logIn(url, 'guessed')).cookie, undefined, 'a wrong password opens nothing');
    const session = await logIn(url, password);
    assert.ok(session.cookie, 'the printed password logs in');
    const answer = await get(url, session.cookie);
    assert.ok(answer.status < 400, `GET ${url} with the session answered ${answer.status}`);
    assert.doesNotMatch(answer.location ?? '', /login/);
    assert.match(answer.body + (answer.location ?? ''), /examples/);

    process.kill(start.pid as number, 'SIGINT');
    assert.equal(await exited(start), 0);
    assert.equal(groupAlive(codeServerPid), false, 'code-server processes outlived Ctrl-C');
    await assert.rejects(get(url), /ECONNREFUSED/);
  });
});

function get(url: string, cookie?: string): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: cookie ? { cookie } : {} }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, location: response.headers.location }));
      })
      .on('error', reject);
  });
}

/** code-server's login form, posted: the session cookie it sets, if the password was right. */
function logIn(url: string, password: string): Promise<{ cookie?: string }> {
  const form = new URLSearchParams({ password }).toString();
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL('login', url),
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) } },
      (response) => {
        response.resume();
        const session = (response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('code-server-session='));
        resolve({ cookie: session?.split(';')[0] });
      },
    );
    request.on('error', reject);
    request.end(form);
  });
}
