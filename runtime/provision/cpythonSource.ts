// Fetches CPython's upstream tarball through Debian's source package, with apt's own client,
// a private sources list and private state, so the system's apt configuration is untouched.
import * as path from 'node:path';
import { CommandOutput } from './commands';
import { fetchInto, privateAptGet } from './privateApt';

export interface SourceRequest {
  /** Debian suite whose source package to use, e.g. "trixie". */
  suite: string;
  /** An `apt-get source` spec: "python3.13" or "python3.13=3.13.5-2+deb13u5". */
  spec: string;
}

export interface DownloadedSource {
  tarball: string;
  upstreamVersion: string;
}

/** The runtime's source, from the environment or the defaults (trixie's python3.13). */
export function sourceRequest(env: NodeJS.ProcessEnv = process.env): SourceRequest {
  return { suite: env.FTPY_RUNTIME_SUITE || 'trixie', spec: env.FTPY_RUNTIME_SOURCE || 'python3.13' };
}

const UPSTREAM_TARBALL = /^python3\.\d+_([\d.]+\w*)\.orig\.tar\.\w+$/;

export async function downloadCPythonSource(home: string, request: SourceRequest, output: CommandOutput): Promise<DownloadedSource> {
  const aptGet = await privateAptGet(path.join(home, 'apt', request.suite), 'deb-src', request.suite, output);
  const tarball = await fetchInto(path.join(home, 'downloads'), UPSTREAM_TARBALL, (cwd) =>
    aptGet(['source', '--download-only', '--tar-only', request.spec], cwd),
  );
  const upstreamVersion = tarball && UPSTREAM_TARBALL.exec(path.basename(tarball))?.[1];
  if (!tarball || !upstreamVersion) throw new Error(`apt-get source ${request.spec} did not bring an upstream tarball (python3.X_VERSION.orig.tar.*)`);
  return { tarball, upstreamVersion };
}
