// CPython's release tarball from python.org's download tree (or a mirror of it), used only when
// its bytes have the SHA-256 ftpy pins for that release.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import { CommandOutput } from './commands';
import { describePinnedReleases, pinnedReleases, pinnedSha256, VersionWish } from './cpythonReleases';
import type { DownloadedSource } from './cpythonSource';

export const DEFAULT_MIRROR = 'https://www.python.org/ftp/python';

/** Where the setting or FTPY_PYTHON_MIRROR points, checked: an http(s) URL of a folder laid out as
 * python.org's `/ftp/python/` (`X.Y.Z/Python-X.Y.Z.tar.xz`). */
export function mirrorBase(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text.trim());
  } catch {
    // said below
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new Error(`the CPython mirror "${text}" is not an http(s) URL: give the folder that holds X.Y.Z/Python-X.Y.Z.tar.xz, as ${DEFAULT_MIRROR} does`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Downloads the newest release the wish allows that the mirror has, into `home`/downloads;
 * a tarball already there with the pinned hash is used as it is. */
export async function downloadPythonOrgRelease(home: string, wish: VersionWish, mirror: string, output: CommandOutput): Promise<DownloadedSource> {
  const releases = pinnedReleases(wish);
  if (releases.length === 0) {
    throw new Error(
      `no SHA-256 is pinned for CPython ${wish.release ?? wish.series}, so ftpy cannot check a tarball of it; it can build ${describePinnedReleases()}`,
    );
  }
  const downloads = path.join(home, 'downloads');
  fs.mkdirSync(downloads, { recursive: true });
  for (const release of releases) {
    const expected = pinnedSha256(release) as string;
    const tarball = path.join(downloads, `Python-${release}.tar.xz`);
    if (fs.existsSync(tarball) && sha256Of(tarball) === expected) {
      output.write(`Using ${tarball} (SHA-256 checked)\n`);
      return { tarball, upstreamVersion: release };
    }
    const url = `${mirror}/${release}/Python-${release}.tar.xz`;
    output.write(`GET ${url}\n`);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new Error(
        `could not reach the CPython mirror ${mirror} (${errorMessage((error as Error).cause ?? error)}); set ftpy.runtime.mirror or FTPY_PYTHON_MIRROR to one this machine reaches`,
      );
    }
    if (response.status === 404) {
      output.write(`  not there (404)\n`);
      continue;
    }
    if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
    await saveChecked(response.body, tarball, expected, url);
    output.write(`  saved ${tarball} (SHA-256 checked)\n`);
    return { tarball, upstreamVersion: release };
  }
  const asked = wish.release ?? `${wish.series} (tried ${releases.join(', ')})`;
  throw new Error(`the CPython mirror ${mirror} has no release tarball of CPython ${asked}`);
}

/** Streams `body` to a partial file, hashing it; renames it to `file` only when the hash is the pinned one. */
async function saveChecked(body: ReadableStream<Uint8Array>, file: string, expected: string, url: string): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  const hash = createHash('sha256');
  const fd = fs.openSync(partial, 'w', 0o600);
  try {
    for await (const chunk of body) {
      hash.update(chunk);
      fs.writeSync(fd, chunk);
    }
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new Error(`the download of ${url} broke off: ${errorMessage(error)}`);
  } finally {
    fs.closeSync(fd);
  }
  const actual = hash.digest('hex');
  if (actual !== expected) {
    fs.rmSync(partial, { force: true });
    throw new Error(
      `${url} is not the release tarball ftpy knows: its SHA-256 is ${actual}, the release's is ${expected}; nothing was built (check the mirror)`,
    );
  }
  fs.renameSync(partial, file);
}

function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
