// Where free-threaded interpreters live on a user's machine, found without running anything:
// ftpy's embedded runtime, uv's managed installs, pyenv's versions, conda/mamba environments,
// the workspace's virtual environments, every folder on PATH (Debian/Fedora python3.13t,
// deadsnakes' python3.13-nogil) and, in VS Code, the environments of the Python extension.
// Describing each (which runs it) is left to the caller.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type InterpreterSource = 'embedded' | 'venv' | 'uv' | 'pyenv' | 'conda' | 'PATH' | 'python-extension';

export interface Candidate {
  path: string;
  source: InterpreterSource;
}

export interface Places {
  env: NodeJS.ProcessEnv;
  home: string;
  /** The workspace's folders: their .venv and venv environments. */
  workspaceFolders: readonly string[];
  /** The embedded runtime's interpreter, when it is installed. */
  embedded?: string;
  /** The interpreters VS Code's Python extension knows (its selection first), when it is installed. */
  pythonExtension?: readonly string[];
}

/** The names free-threaded builds install: python3.13t, python3t, and deadsnakes' python3.13-nogil. */
export const FREE_THREADED_NAME = /^python3(\.\d+)?t$|^python3\.\d+-nogil$/;

const CONDA_ROOTS = ['miniconda3', 'miniforge3', 'mambaforge', 'anaconda3', 'micromamba', '.conda'];

/** Every candidate, in the order a user would look for them, each folder+name once. */
export function findCandidates(places: Places): Candidate[] {
  const { env, home } = places;
  const found: Candidate[] = [];
  const seen = new Set<string>();
  const add = (file: string, source: InterpreterSource) => {
    const key = path.join(realpathOr(path.dirname(file)), path.basename(file));
    if (seen.has(key) || !isExecutableFile(file)) return;
    seen.add(key);
    found.push({ path: file, source });
  };
  const fromBinDirs = (dirs: string[], source: InterpreterSource) => {
    for (const dir of dirs)
      for (const name of listDir(dir)
        .filter((entry) => FREE_THREADED_NAME.test(entry))
        .sort())
        add(path.join(dir, name), source);
  };
  if (places.embedded) add(places.embedded, 'embedded');
  for (const folder of places.workspaceFolders) {
    for (const name of ['.venv', 'venv']) if (fs.existsSync(path.join(folder, name, 'pyvenv.cfg'))) add(path.join(folder, name, 'bin', 'python'), 'venv');
  }
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const uvRoot = env.UV_PYTHON_INSTALL_DIR || path.join(dataHome, 'uv', 'python');
  fromBinDirs(
    subdirs(uvRoot).map((install) => path.join(install, 'bin')),
    'uv',
  );
  const pyenvRoot = env.PYENV_ROOT || path.join(home, '.pyenv');
  fromBinDirs(
    subdirs(path.join(pyenvRoot, 'versions')).map((version) => path.join(version, 'bin')),
    'pyenv',
  );
  fromBinDirs(
    condaEnvironments(env, home).map((environment) => path.join(environment, 'bin')),
    'conda',
  );
  fromBinDirs((env.PATH ?? '').split(path.delimiter).filter(Boolean), 'PATH');
  // Last: an interpreter found above keeps the source that says more about it.
  for (const file of places.pythonExtension ?? []) add(file, 'python-extension');
  return found;
}

/** conda/mamba environments: the active one, the usual roots and their envs/, and those conda has listed. */
function condaEnvironments(env: NodeJS.ProcessEnv, home: string): string[] {
  const roots = [
    ...(env.CONDA_PREFIX ? [env.CONDA_PREFIX] : []),
    ...(env.MAMBA_ROOT_PREFIX ? [env.MAMBA_ROOT_PREFIX] : []),
    ...CONDA_ROOTS.map((root) => path.join(home, root)),
  ];
  const listed = readLines(path.join(home, '.conda', 'environments.txt'));
  return [...new Set([...roots.flatMap((root) => [root, ...subdirs(path.join(root, 'envs'))]), ...listed])];
}

function subdirs(dir: string): string[] {
  return listDir(dir)
    .sort()
    .map((name) => path.join(dir, name))
    .filter((entry) => fs.statSync(entry, { throwIfNoEntry: false })?.isDirectory() ?? false);
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function readLines(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => path.isAbsolute(line));
  } catch {
    return [];
  }
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function realpathOr(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** The places of this process: its environment and home, no workspace. */
export function processPlaces(workspaceFolders: readonly string[] = [], embedded?: string): Places {
  return { env: process.env, home: os.homedir(), workspaceFolders, embedded };
}
