// The embedded runtime built from python.org's release tarball, served by a mirror on 127.0.0.1
// laid out as python.org's /ftp/python/. The 3.13.5 tarball is the one ftpy's Debian path already
// downloaded: Debian's orig tarball of a release is byte-identical to python.org's.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pinnedReleases } from '../../runtime/provision/cpythonReleases';
import { ftpyHome } from '../../runtime/provision/home';
import { readyRuntime } from '../../runtime/provision/runtime';
import { runFtpy } from '../support/cli';

const RELEASE = '3.13.5';

/** The 3.13.5 tarball ftpy already has (from Debian's path, or an earlier python.org one). */
function knownTarball(): string {
  const downloads = path.join(ftpyHome(), 'downloads');
  const found = [`python3.13_${RELEASE}.orig.tar.xz`, `Python-${RELEASE}.tar.xz`].map((name) => path.join(downloads, name)).find((file) => fs.existsSync(file));
  if (!found) throw new Error(`no CPython ${RELEASE} tarball in ${downloads}: run \`node scripts/bootstrap.mjs prepare\` (it provisions the embedded runtime)`);
  return found;
}

/** A python.org-style mirror: /good serves the real tarball, /bad the same name with other bytes, /empty nothing. */
class Mirror {
  readonly requests: string[] = [];
  private readonly server: http.Server;

  constructor(tarball: string) {
    this.server = http.createServer((request, response) => {
      const url = request.url ?? '';
      this.requests.push(url);
      const [, flavour, release, name] = url.split('/');
      if (flavour === 'empty' || name !== `Python-${release}.tar.xz` || release !== RELEASE) {
        response.writeHead(404).end('not found');
      } else if (flavour === 'good') {
        response.writeHead(200, { 'content-type': 'application/x-xz', 'content-length': fs.statSync(tarball).size });
        fs.createReadStream(tarball).pipe(response);
      } else {
        response.writeHead(200, { 'content-type': 'application/x-xz' }).end(fs.readFileSync(tarball).subarray(0, 1 << 20));
      }
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  base(flavour: 'good' | 'bad' | 'empty'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${flavour}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

suite('the embedded runtime from python.org', () => {
  let mirror: Mirror;
  let home: string;

  suiteSetup(async () => {
    mirror = new Mirror(knownTarball());
    await mirror.start();
  });
  suiteTeardown(() => mirror.stop());
  setup(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-home-'));
  });
  teardown(() => fs.rmSync(home, { recursive: true, force: true }));

  const runtimeCommand = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runFtpy(['runtime', ...args], { env: { ...process.env, FTPY_HOME: home, ...env }, timeoutMs: 30 * 60_000 });

  /** Nothing a failed provisioning may leave: no runtime, no tarball, no partial download, no build folder. */
  function assertNothingLeft(): void {
    assert.ok(!fs.existsSync(path.join(home, 'runtimes')), 'no runtime folder');
    const downloads = path.join(home, 'downloads');
    assert.deepEqual(fs.existsSync(downloads) ? fs.readdirSync(downloads) : [], [], 'no tarball and no partial download');
    assert.deepEqual(
      fs.readdirSync(home).filter((name) => name.startsWith('build-')),
      [],
      'no build folder',
    );
  }

  /** The one error line, and the log it names. */
  function failure(stderr: string): string {
    const lines = stderr.split('\n').filter((line) => line.startsWith('ftpy: '));
    assert.equal(lines.length, 1, stderr);
    assert.match(stderr, /Full log: .*provision-python\.org-3\.13(\.5)?\.log/);
    return lines[0];
  }

  test("a tarball whose SHA-256 is not the release's: one clear message, nothing built or kept", async function () {
    this.timeout(60_000);
    const result = await runtimeCommand(['--source', 'python.org', '--version', RELEASE, '--mirror', mirror.base('bad')]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      failure(result.stderr),
      /^ftpy: Provisioning the embedded runtime failed: http:\/\/127\.0\.0\.1:\d+\/bad\/3\.13\.5\/Python-3\.13\.5\.tar\.xz is not the release tarball ftpy knows: its SHA-256 is [0-9a-f]{64}, the release's is 93e583f2/,
    );
    assertNothingLeft();
  });

  test('a mirror without the tarball: one clear message naming the releases tried, nothing built', async function () {
    this.timeout(60_000);
    const result = await runtimeCommand(['--source', 'python.org'], { FTPY_PYTHON_MIRROR: mirror.base('empty') });
    assert.equal(result.code, 1, result.stderr);
    const tried = pinnedReleases({ series: '3.13', release: undefined });
    assert.equal(
      failure(result.stderr),
      `ftpy: Provisioning the embedded runtime failed: the CPython mirror ${mirror.base('empty')} has no release tarball of CPython 3.13 (tried ${tried.join(', ')})`,
    );
    assertNothingLeft();
  });

  test('Debian unavailable: auto builds the newest 3.13 the mirror has, checked, free-threaded, reused after', async function () {
    this.timeout(30 * 60_000); // configure and make: minutes, fewer with ccache
    const started = Date.now();
    const env = { FTPY_PYTHON_MIRROR: mirror.base('good'), FTPY_RUNTIME_SUITE: 'ftpy-no-such-suite' };
    mirror.requests.length = 0;
    const result = await runtimeCommand(['--json'], env);
    assert.equal(result.code, 0, result.stderr);
    console.log(`      (built in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    const runtime = JSON.parse(result.stdout) as { python: string; version: string; prefix: string; log: string };
    assert.equal(runtime.version, RELEASE);
    assert.ok(runtime.prefix.startsWith(path.join(home, 'runtimes')), runtime.prefix);
    // Newest first: every pinned 3.13 release after 3.13.5 was asked for, then 3.13.5 itself.
    const newer = pinnedReleases({ series: '3.13', release: undefined }).filter((release) => Number(release.split('.')[2]) > 5);
    assert.deepEqual(
      mirror.requests,
      [...newer, RELEASE].map((release) => `/good/${release}/Python-${release}.tar.xz`),
    );
    const log = fs.readFileSync(runtime.log, 'utf8');
    assert.match(log, /Debian ftpy-no-such-suite \(python3\.13\) is unavailable here; trying the next source\. Why:\n.*apt-get/);
    const facts = execFileSync(
      runtime.python,
      ['-X', 'gil=0', '-c', 'import sys, sysconfig; print(sysconfig.get_config_var("Py_GIL_DISABLED"), sys._is_gil_enabled(), sys.version.split()[0])'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(facts.trim(), `1 False ${RELEASE}`);
    const ready = readyRuntime([{ kind: 'python.org', version: '3.13', mirror: mirror.base('good') }], home);
    assert.ok(ready, 'recorded as the python.org runtime of 3.13');
    assert.equal(ready.python, runtime.python);
    assert.equal(ready.source.kind, 'python.org');
    assert.ok(fs.existsSync(ready.offsets), 'the offsets probe was built for it');

    // Asked again, it is the same runtime at once: no request reaches the mirror.
    mirror.requests.length = 0;
    const again = await runtimeCommand(['--json'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { python: string }).python, runtime.python);
    assert.deepEqual(mirror.requests, []);
  });
});
