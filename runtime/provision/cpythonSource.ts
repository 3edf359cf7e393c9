// Where the embedded runtime's CPython source comes from: Debian's source package (through the
// machine's own archive) or python.org's release tarball (any Linux), and which one is tried first.
import { UserFacingError } from '../errors';
import { CommandOutput } from './commands';
import { DEFAULT_SERIES, describePinnedReleases, parseVersionWish, pinnedReleases, VersionWish } from './cpythonReleases';
import { downloadDebianSource } from './debianSource';
import { DEFAULT_MIRROR, downloadPythonOrgRelease, mirrorBase } from './pythonOrgSource';

export type SourceKind = 'debian' | 'python.org';

export type RuntimeSource =
  /** `spec` is an `apt-get source` spec: "python3.13" or "python3.13=3.13.5-2+deb13u5". */
  | { kind: 'debian'; suite: string; spec: string }
  /** `version` is the wish: a series ("3.13": its newest release on the mirror) or a release. */
  | { kind: 'python.org'; version: string; mirror: string };

/** What the user asked for (`ftpy runtime` options, the extension's settings); unset parts come
 * from the environment or the defaults. */
export interface RuntimeWish {
  from?: 'auto' | SourceKind;
  version?: string;
  mirror?: string;
}

export interface DownloadedSource {
  tarball: string;
  upstreamVersion: string;
}

/** The sources to try, in order. `auto` tries Debian's source package first (the machine's own
 * archive, as before) and python.org's tarball when that is unavailable; FTPY_RUNTIME_SOURCE
 * (an `apt-get source` spec) asks for Debian alone. */
export function runtimeSources(wish: RuntimeWish = {}, env: NodeJS.ProcessEnv = process.env): RuntimeSource[] {
  const from = wish.from ?? (env.FTPY_RUNTIME_SOURCE ? 'debian' : 'auto');
  if (!['auto', 'debian', 'python.org'].includes(from)) throw new UserFacingError(`the runtime source "${from}" is not one of auto, debian, python.org`);
  const versionText = wish.version?.trim() || DEFAULT_SERIES;
  const version = parseVersionWish(versionText);
  if (!version || Number(version.series.split('.')[1]) < 13) {
    throw new UserFacingError(
      `"${versionText}" is not a CPython version ftpy can build: give a series (3.13) or a release (3.13.5), 3.13 or later (free threading starts there)`,
    );
  }
  let mirror: string;
  try {
    mirror = mirrorBase(wish.mirror?.trim() || env.FTPY_PYTHON_MIRROR || DEFAULT_MIRROR);
  } catch (error) {
    throw new UserFacingError((error as Error).message);
  }
  if (from === 'debian') {
    const debian = debianSource(version, env);
    if (!debian)
      throw new UserFacingError(`Debian's source package decides the release: ask for a series (--version ${version.series}), or for --source python.org`);
    return [debian];
  }
  const pythonOrg: RuntimeSource = { kind: 'python.org', version: version.release ?? version.series, mirror };
  const pinned = pinnedReleases(version).length > 0;
  if (!pinned && (from === 'python.org' || version.release)) {
    throw new UserFacingError(
      `no SHA-256 is pinned for CPython ${pythonOrg.version}, so ftpy cannot check a tarball of it; it can build ${describePinnedReleases()}`,
    );
  }
  if (from === 'python.org') return [pythonOrg];
  return [debianSource(version, env), pinned ? pythonOrg : undefined].filter((source) => source !== undefined);
}

function debianSource(version: VersionWish, env: NodeJS.ProcessEnv): RuntimeSource | undefined {
  if (version.release && !env.FTPY_RUNTIME_SOURCE) return undefined;
  return { kind: 'debian', suite: env.FTPY_RUNTIME_SUITE || 'trixie', spec: env.FTPY_RUNTIME_SOURCE || `python${version.series}` };
}

/** The key a provisioned runtime is recorded under (Debian's keys are those of earlier ftpy). */
export function sourceKey(source: RuntimeSource): string {
  return source.kind === 'debian' ? `${source.suite}/${source.spec}` : `python.org/${source.version}`;
}

/** For progress and log names: "Debian trixie (python3.13)", "python.org 3.13 (MIRROR)". */
export function describeSource(source: RuntimeSource): string {
  return source.kind === 'debian' ? `Debian ${source.suite} (${source.spec})` : `python.org ${source.version} (${source.mirror})`;
}

export function downloadCPythonSource(home: string, source: RuntimeSource, output: CommandOutput): Promise<DownloadedSource> {
  if (source.kind === 'debian') return downloadDebianSource(home, source.suite, source.spec, output);
  return downloadPythonOrgRelease(home, parseVersionWish(source.version) as VersionWish, source.mirror, output);
}
