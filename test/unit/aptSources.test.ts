import * as assert from 'node:assert/strict';
import { parseAptArchives } from '../../runtime/provision/aptSources';

suite('apt sources: the Debian archive of this machine', () => {
  test('deb822 .sources: the release archive, not security', () => {
    const archives = parseAptArchives([
      {
        name: '/etc/apt/sources.list.d/debian.sources',
        text: [
          'Types: deb',
          '# a comment',
          'URIs: http://mirror.example/debian/',
          'Suites: bookworm bookworm-updates',
          'Components: main',
          'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
          '',
          'Types: deb',
          'URIs: http://mirror.example/debian-security',
          'Suites: bookworm-security',
          'Components: main',
        ].join('\n'),
      },
    ]);
    assert.deepEqual(archives, [{ uri: 'http://mirror.example/debian', signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg' }]);
  });

  test('one-line sources.list with options, comments and deb-src', () => {
    const archives = parseAptArchives([
      {
        name: '/etc/apt/sources.list',
        text: [
          '# deb http://commented.example/debian bookworm main',
          'deb [arch=amd64 signed-by=/k.gpg] http://a.example/debian bookworm main',
          'deb http://security.example/debian-security bookworm-security main',
          'deb-src http://b.example/debian bookworm main # trailing',
        ].join('\n'),
      },
    ]);
    assert.deepEqual(archives, [
      { uri: 'http://a.example/debian', signedBy: '/k.gpg' },
      { uri: 'http://b.example/debian', signedBy: undefined },
    ]);
  });

  test('an inline (multi-line) Signed-By key is not taken for a keyring path', () => {
    const archives = parseAptArchives([
      { name: 'x.sources', text: 'Types: deb\nURIs: http://c.example/debian\nSuites: trixie\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n' },
    ]);
    assert.deepEqual(archives, [{ uri: 'http://c.example/debian', signedBy: undefined }]);
  });
});
