// Where the machine's own apt configuration says Debian's archive is, so that the upstream
// CPython source can be fetched from the same mirror, with apt's own client and without
// touching the system's apt state.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AptArchive {
  uri: string;
  signedBy: string | undefined;
}

const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** Parses deb822 `.sources` stanzas and one-line `sources.list` entries into archives,
 * in the order apt reads them. Security and backports archives are left out: they do not
 * carry the release's source packages. */
export function parseAptArchives(files: readonly { name: string; text: string }[]): AptArchive[] {
  const archives: AptArchive[] = [];
  for (const file of files) {
    const entries = file.name.endsWith('.sources') ? deb822Entries(file.text) : oneLineEntries(file.text);
    for (const entry of entries) {
      if (!entry.types.includes('deb') && !entry.types.includes('deb-src')) continue;
      if (entry.suites.every((suite) => /-(security|backports)$|\/updates$/.test(suite))) continue;
      for (const uri of entry.uris) archives.push({ uri: uri.replace(/\/+$/, ''), signedBy: entry.signedBy });
    }
  }
  return archives;
}

interface SourceEntry {
  types: string[];
  uris: string[];
  suites: string[];
  signedBy: string | undefined;
}

function deb822Entries(text: string): SourceEntry[] {
  return text
    .split(/\n\s*\n/)
    .map((stanza) => {
      const fields = new Map<string, string>();
      let last = '';
      for (const line of stanza.split('\n')) {
        if (line.startsWith('#') || !line.trim()) continue;
        const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (match) {
          last = match[1].toLowerCase();
          fields.set(last, match[2].trim());
        } else if (last && /^\s/.test(line)) {
          fields.set(last, `${fields.get(last)}\n${line.trim()}`);
        }
      }
      const words = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
      const signedBy = fields.get('signed-by');
      return {
        types: words('types'),
        uris: words('uris'),
        suites: words('suites'),
        signedBy: signedBy && !signedBy.includes('\n') ? signedBy : undefined,
      };
    })
    .filter((entry) => entry.types.length > 0 && entry.uris.length > 0);
}

function oneLineEntries(text: string): SourceEntry[] {
  const entries: SourceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^(deb(?:-src)?)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (!match) continue;
    const signedBy = /signed-by=(\S+)/.exec(match[2] ?? '')?.[1];
    entries.push({ types: [match[1]], uris: [match[3]], suites: [match[4]], signedBy });
  }
  return entries;
}

/** The Debian archive of this machine, from /etc/apt. */
export function machineArchive(etcApt = '/etc/apt'): AptArchive {
  const files: { name: string; text: string }[] = [];
  const read = (file: string) => {
    try {
      files.push({ name: file, text: fs.readFileSync(file, 'utf8') });
    } catch {
      // absent files are normal: a machine uses one style or the other
    }
  };
  read(path.join(etcApt, 'sources.list'));
  let parts: string[] = [];
  try {
    parts = fs.readdirSync(path.join(etcApt, 'sources.list.d')).sort();
  } catch {
    // no sources.list.d
  }
  for (const name of parts) {
    if (name.endsWith('.list') || name.endsWith('.sources')) read(path.join(etcApt, 'sources.list.d', name));
  }
  const archive = parseAptArchives(files).find((candidate) => /^(https?|file|mirror\+\w+):/.test(candidate.uri));
  if (!archive) {
    throw new Error(`no Debian archive found in ${etcApt}/sources.list or ${etcApt}/sources.list.d: ftpy fetches CPython's source from the archive apt uses`);
  }
  return { uri: archive.uri, signedBy: archive.signedBy ?? (fs.existsSync(DEFAULT_KEYRING) ? DEFAULT_KEYRING : undefined) };
}
