// Which CPython source the embedded runtime is built from, the releases ftpy can check, and the
// build tools per distribution: pure choices, checked here; the build itself is in test/provision.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageManagerOf, PACKAGE_MANAGERS } from '../../runtime/provision/buildPackages';
import { describePinnedReleases, parseVersionWish, pinnedReleases, pinnedSha256 } from '../../runtime/provision/cpythonReleases';
import { runtimeSources, sourceKey } from '../../runtime/provision/cpythonSource';
import { DEFAULT_MIRROR } from '../../runtime/provision/pythonOrgSource';
import { runFtpy } from '../support/cli';

suite('the runtime source', () => {
  test('auto: Debian first (the keys of earlier ftpy), python.org when Debian is unavailable', () => {
    const sources = runtimeSources({}, {});
    assert.deepEqual(sources, [
      { kind: 'debian', suite: 'trixie', spec: 'python3.13' },
      { kind: 'python.org', version: '3.13', mirror: DEFAULT_MIRROR },
    ]);
    assert.deepEqual(sources.map(sourceKey), ['trixie/python3.13', 'python.org/3.13']);
  });

  test('a release is python.org alone; a series names the Debian package of that series', () => {
    assert.deepEqual(runtimeSources({ version: '3.13.5' }, {}), [{ kind: 'python.org', version: '3.13.5', mirror: DEFAULT_MIRROR }]);
    assert.deepEqual(runtimeSources({ version: '3.14' }, {})[0], { kind: 'debian', suite: 'trixie', spec: 'python3.14' });
    assert.throws(() => runtimeSources({ from: 'debian', version: '3.13.5' }, {}), /Debian's source package decides the release/);
    assert.throws(() => runtimeSources({ from: 'debian', version: '3.13.99' }, {}), /Debian's source package decides the release/);
  });

  test('the environment: FTPY_RUNTIME_SOURCE asks for Debian alone, FTPY_PYTHON_MIRROR moves the mirror; an option wins', () => {
    assert.deepEqual(runtimeSources({}, { FTPY_RUNTIME_SOURCE: 'python3.13=3.13.5-2', FTPY_RUNTIME_SUITE: 'sid' }), [
      { kind: 'debian', suite: 'sid', spec: 'python3.13=3.13.5-2' },
    ]);
    const env = { FTPY_PYTHON_MIRROR: 'http://127.0.0.1:9/python/' };
    assert.deepEqual(runtimeSources({ from: 'python.org' }, env), [{ kind: 'python.org', version: '3.13', mirror: 'http://127.0.0.1:9/python' }]);
    assert.deepEqual(runtimeSources({ from: 'python.org', mirror: 'https://mirror.invalid/py' }, env), [
      { kind: 'python.org', version: '3.13', mirror: 'https://mirror.invalid/py' },
    ]);
  });

  test('wrong wishes are refused with what to give instead', () => {
    assert.throws(() => runtimeSources({ version: '3.12' }, {}), /"3\.12" is not a CPython version ftpy can build: .*3\.13 or later/);
    assert.throws(() => runtimeSources({ version: 'latest' }, {}), /give a series \(3\.13\) or a release \(3\.13\.5\)/);
    assert.throws(() => runtimeSources({ from: 'python.org', mirror: 'ftp://example.invalid/' }, {}), /is not an http\(s\) URL/);
    assert.throws(() => runtimeSources({ from: 'pypi' as 'auto' }, {}), /not one of auto, debian, python.org/);
    assert.throws(() => runtimeSources({ version: '3.13.99' }, {}), /no SHA-256 is pinned for CPython 3\.13\.99/);
  });

  test('pinned releases: a series gives its releases newest first, a release itself, an unknown one nothing', () => {
    const series = pinnedReleases({ series: '3.13', release: undefined });
    assert.equal(series[series.length - 1], '3.13.0');
    assert.ok(series.indexOf('3.13.10') < series.indexOf('3.13.9'), 'ordered by number, not by text');
    assert.deepEqual(pinnedReleases({ series: '3.13', release: '3.13.5' }), ['3.13.5']);
    assert.deepEqual(pinnedReleases({ series: '3.15', release: undefined }), []);
    assert.equal(pinnedSha256('3.13.5'), '93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640');
    assert.match(describePinnedReleases(), /^3\.13\.0 to 3\.13\.\d+, 3\.14\.0 to 3\.14\.\d+$/);
    assert.deepEqual(parseVersionWish(' 3.14 '), { series: '3.14', release: undefined });
    assert.equal(parseVersionWish('3.13.5rc1'), undefined);
  });
});

suite('build tools per distribution', () => {
  const osRelease = (id: string, like = '') => `NAME="x"\nID=${id}\n${like ? `ID_LIKE="${like}"\n` : ''}VERSION_ID="1"\n`;

  test('the package manager comes from /etc/os-release (ID, then ID_LIKE)', () => {
    assert.equal(packageManagerOf(osRelease('debian'))?.name, 'apt');
    assert.equal(packageManagerOf(osRelease('ubuntu', 'debian'))?.name, 'apt');
    assert.equal(packageManagerOf(osRelease('fedora'))?.name, 'dnf');
    assert.equal(packageManagerOf(osRelease('rocky', 'rhel centos fedora'))?.name, 'dnf');
    assert.equal(packageManagerOf(osRelease('arch'))?.name, 'pacman');
    assert.equal(packageManagerOf(osRelease('alpine'))?.name, 'apk');
    assert.equal(packageManagerOf(osRelease('nixos')), undefined);
  });

  test('each manager names its install line and reads its own query output', () => {
    assert.equal(PACKAGE_MANAGERS.dnf.install(['gcc', 'zlib-devel']).join(' '), 'dnf install -y gcc zlib-devel');
    assert.equal(PACKAGE_MANAGERS.pacman.install(['gcc']).join(' '), 'pacman -S --needed --noconfirm gcc');
    assert.equal(PACKAGE_MANAGERS.apk.install(['gcc']).join(' '), 'apk add gcc');
    // Output as each query prints it (recorded), for packages gcc (installed) and make (not).
    assert.deepEqual(PACKAGE_MANAGERS.dnf.query(['gcc', 'make']).installed('gcc\npackage make is not installed\n'), ['gcc', 'package']);
    assert.deepEqual(PACKAGE_MANAGERS.pacman.query(['gcc', 'make']).installed('gcc 14.2.1-1\n'), ['gcc']);
    assert.deepEqual(PACKAGE_MANAGERS.apt.query(['gcc', 'make']).installed('installed gcc\nnot-installed make\n'), ['gcc']);
    for (const manager of Object.values(PACKAGE_MANAGERS)) assert.ok(manager.packages.includes('gcc') && manager.packages.includes('make'), manager.name);
  });
});

suite('ftpy runtime: arguments', () => {
  for (const [args, message] of [
    [['--source', 'pypi'], /--source must be one of auto, debian, python.org, not 'pypi'/],
    [['--version', '3.12'], /"3\.12" is not a CPython version ftpy can build/],
    [['--source', 'python.org', '--version', '3.15.0'], /no SHA-256 is pinned for CPython 3\.15\.0.*it can build 3\.13\.0 to/],
    [['--source', 'python.org', '--version', '3.15'], /no SHA-256 is pinned for CPython 3\.15.*it can build 3\.13\.0 to/],
    [['--mirror', 'file:///tmp'], /not an http\(s\) URL/],
  ] as const) {
    test(`ftpy runtime ${args.join(' ')}: one clear message, nothing built`, async function () {
      this.timeout(30_000);
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-home-'));
      try {
        const result = await runFtpy(['runtime', ...args], { env: { ...process.env, FTPY_HOME: home }, timeoutMs: 30_000 });
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, message);
        assert.equal(
          result.stderr
            .trim()
            .split('\n')
            .filter((line) => /^ftpy( runtime)?: /.test(line)).length,
          1,
          result.stderr,
        );
        assert.ok(!fs.existsSync(path.join(home, 'runtimes')), 'nothing was built');
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  }
});
