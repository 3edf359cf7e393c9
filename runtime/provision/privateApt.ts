// apt's own client on a private sources list and private state: packages and sources come
// from the archive the machine's apt configuration names, and the system's apt state is
// never touched.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { machineArchive } from './aptSources';
import { CommandOutput, runCommand } from './commands';

export type AptGet = (args: string[], cwd?: string) => Promise<string>;

/** Writes the private sources list for `suite` (binary or source packages), runs
 * `apt-get update` on it, and returns an `apt-get` that uses it. */
export async function privateAptGet(aptDir: string, type: 'deb' | 'deb-src', suite: string, output: CommandOutput): Promise<AptGet> {
  for (const dir of ['lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(aptDir, dir), { recursive: true });
  const archive = machineArchive();
  const signedBy = archive.signedBy ? ` [signed-by=${archive.signedBy}]` : '';
  const sourcesList = path.join(aptDir, 'sources.list');
  fs.writeFileSync(sourcesList, `${type}${signedBy} ${archive.uri} ${suite} main\n`);
  const options = Object.entries({
    'Dir::Etc::SourceList': sourcesList,
    'Dir::Etc::SourceParts': '/dev/null',
    'Dir::State::Lists': path.join(aptDir, 'lists'),
    'Dir::Cache': path.join(aptDir, 'cache'),
    'Dir::State::status': '/dev/null',
    'APT::Sandbox::User': os.userInfo().username,
  }).flatMap(([key, value]) => ['-o', `${key}=${value}`]);
  const aptGet: AptGet = (args, cwd) => runCommand('apt-get', [...options, ...args], { cwd, output });
  await aptGet(['update']);
  return aptGet;
}

/** Runs `fetch` in a fresh empty folder and returns the one file there matching `pattern`
 * (what apt verified and nothing else), moved into `destinationDir`. */
export async function fetchInto(destinationDir: string, pattern: RegExp, fetch: (cwd: string) => Promise<unknown>): Promise<string | undefined> {
  fs.mkdirSync(destinationDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(destinationDir, '.fetch-'));
  try {
    await fetch(staging);
    const name = fs.readdirSync(staging).find((file) => pattern.test(file));
    if (!name) return undefined;
    fs.renameSync(path.join(staging, name), path.join(destinationDir, name));
    return path.join(destinationDir, name);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
