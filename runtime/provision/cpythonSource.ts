// Fetches CPython's upstream tarball through Debian's source package, with apt's own client,
// a private sources list and private state, so the system's apt configuration is untouched.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { machineArchive } from './aptSources';
import { CommandOutput, runCommand } from './commands';

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
  const aptDir = path.join(home, 'apt', request.suite);
  for (const dir of ['lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(aptDir, dir), { recursive: true });
  const archive = machineArchive();
  const signedBy = archive.signedBy ? ` [signed-by=${archive.signedBy}]` : '';
  const sourcesList = path.join(aptDir, 'sources.list');
  fs.writeFileSync(sourcesList, `deb-src${signedBy} ${archive.uri} ${request.suite} main\n`);
  const options = [
    `Dir::Etc::SourceList=${sourcesList}`,
    'Dir::Etc::SourceParts=/dev/null',
    `Dir::State::Lists=${path.join(aptDir, 'lists')}`,
    `Dir::Cache=${path.join(aptDir, 'cache')}`,
    'Dir::State::status=/dev/null',
    `APT::Sandbox::User=${os.userInfo().username}`,
  ].flatMap((option) => ['-o', option]);
  await runCommand('apt-get', [...options, 'update'], { output });

  // Download into an empty folder, so the tarball apt verified is the only file there.
  const staging = fs.mkdtempSync(path.join(home, 'downloads-'));
  try {
    await runCommand('apt-get', [...options, 'source', '--download-only', '--tar-only', request.spec], { cwd: staging, output });
    const tarball = fs.readdirSync(staging).find((name) => UPSTREAM_TARBALL.test(name));
    const upstreamVersion = tarball && UPSTREAM_TARBALL.exec(tarball)?.[1];
    if (!tarball || !upstreamVersion) throw new Error(`apt-get source ${request.spec} did not bring an upstream tarball (python3.X_VERSION.orig.tar.*)`);
    const downloads = path.join(home, 'downloads');
    fs.mkdirSync(downloads, { recursive: true });
    const destination = path.join(downloads, tarball);
    fs.renameSync(path.join(staging, tarball), destination);
    return { tarball: destination, upstreamVersion };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
