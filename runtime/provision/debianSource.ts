// CPython's upstream tarball through Debian's source package, with apt's own client, a private
// sources list and private state, so the system's apt configuration is untouched.
import * as path from 'node:path';
import { CommandOutput } from './commands';
import type { DownloadedSource } from './cpythonSource';
import { fetchInto, privateAptGet } from './privateApt';

const UPSTREAM_TARBALL = /^python3\.\d+_([\d.]+\w*)\.orig\.tar\.\w+$/;

/** Downloads the orig tarball of `spec` (an `apt-get source` spec) from Debian's `suite`. */
export async function downloadDebianSource(home: string, suite: string, spec: string, output: CommandOutput): Promise<DownloadedSource> {
  const aptGet = await privateAptGet(path.join(home, 'apt', suite), 'deb-src', suite, output);
  const tarball = await fetchInto(path.join(home, 'downloads'), UPSTREAM_TARBALL, (cwd) => aptGet(['source', '--download-only', '--tar-only', spec], cwd));
  const upstreamVersion = tarball && UPSTREAM_TARBALL.exec(path.basename(tarball))?.[1];
  if (!tarball || !upstreamVersion) throw new Error(`apt-get source ${spec} did not bring an upstream tarball (python3.X_VERSION.orig.tar.*)`);
  return { tarball, upstreamVersion };
}
