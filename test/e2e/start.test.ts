// `npm start`'s path (bootstrap, then serve): the URL it prints answers with
// VS Code, and Ctrl-C (SIGINT) stops code-server and everything it started.
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

  test('serves VS Code at the printed URL until Ctrl-C, then leaves no process behind', async () => {
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
    const ready = await waitForOutput(start, /ready: open (\S+) \(code-server pid (\d+)/, 150_000);
    const url = ready[1];
    codeServerPid = Number(ready[2]);
    assert.equal(url, `http://127.0.0.1:${port}/`);

    const answer = await get(url);
    assert.ok(answer.status < 400, `GET ${url} answered ${answer.status}`);
    assert.match(answer.body + (answer.location ?? ''), /examples/);

    process.kill(start.pid as number, 'SIGINT');
    assert.equal(await exited(start), 0);
    assert.equal(groupAlive(codeServerPid), false, 'code-server processes outlived Ctrl-C');
    await assert.rejects(get(url), /ECONNREFUSED/);
  });
});

function get(url: string): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, location: response.headers.location }));
      })
      .on('error', reject);
  });
}
