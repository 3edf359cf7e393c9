// Describing Python interpreters (by running them once) and finding free-threaded ones.
import { execFile } from 'node:child_process';
import { errorMessage, UserFacingError } from '../errors';
import { type Candidate, findCandidates, type Places } from './discovery';

export interface InterpreterInfo {
  /** The path it was given as (what the user chose). */
  path: string;
  executable: string;
  version: string;
  hexversion: number;
  /** Built with --disable-gil (Py_GIL_DISABLED). */
  freeThreaded: boolean;
  /** Whether the GIL is on at start-up when no -X gil / PYTHON_GIL says otherwise. */
  gilEnabledByDefault: boolean;
  prefix: string;
  include: string;
  /** The C compiler it was built with (sysconfig CC), '' if unknown. */
  compiler: string;
}

// Runs on every CPython from 2.7 on, so that an old interpreter is described, then refused
// for the right reason. -E keeps PYTHON_GIL and friends out of the answer.
const DESCRIBE = `
import json, sys, sysconfig
print(json.dumps({
  "executable": sys.executable, "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
  "hexversion": sys.hexversion, "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
  "gil": bool(sys._is_gil_enabled()) if hasattr(sys, "_is_gil_enabled") else True,
  "prefix": sys.prefix, "include": sysconfig.get_paths()["include"],
  "cc": sysconfig.get_config_var("CC") or ""}))
`;

export function describeInterpreter(python: string): Promise<InterpreterInfo> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-E', '-s', '-c', DESCRIBE], { timeout: 15_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          return reject(
            new UserFacingError(
              `Python interpreter not found: ${python}. Choose an existing free-threaded interpreter (python3.13t), or leave it out to use ftpy's embedded runtime.`,
              'selectInterpreter',
            ),
          );
        if (code === 'EACCES')
          return reject(new UserFacingError(`${python} is not executable. Choose a free-threaded Python interpreter (python3.13t).`, 'selectInterpreter'));
        return reject(
          new UserFacingError(
            `${python} did not run as a Python interpreter (${firstLine(stderr) || error.message}). Choose a free-threaded Python interpreter (python3.13t).`,
            'selectInterpreter',
          ),
        );
      }
      try {
        const raw = JSON.parse(stdout.trim().split('\n').pop() ?? '');
        resolve({
          path: python,
          executable: raw.executable,
          version: raw.version,
          hexversion: raw.hexversion,
          freeThreaded: raw.free_threaded,
          gilEnabledByDefault: raw.gil,
          prefix: raw.prefix,
          include: raw.include,
          compiler: raw.cc,
        });
      } catch {
        reject(
          new UserFacingError(`${python} is not a Python interpreter ftpy understands. Choose a free-threaded CPython (python3.13t).`, 'selectInterpreter'),
        );
      }
    });
  });
}

/** Refuses interpreters ftpy cannot run with the GIL off, saying what to use instead. */
export function requireFreeThreaded(info: InterpreterInfo): InterpreterInfo {
  if (!info.freeThreaded) {
    throw new UserFacingError(
      `${info.path} is Python ${info.version} built with the GIL; ftpy needs a free-threaded build (python3.13t or later, configured with --disable-gil). Use ftpy's embedded runtime (leave out the interpreter) or choose a python3.13t.`,
      'selectInterpreter',
    );
  }
  if (info.hexversion < 0x030d0000) {
    throw new UserFacingError(`${info.path} is Python ${info.version}; ftpy needs free-threaded CPython 3.13 or later.`, 'selectInterpreter');
  }
  return info;
}

export interface FoundInterpreter extends Candidate {
  /** What running it said; missing when it did not run. */
  info?: InterpreterInfo;
  /** Why ftpy will not use it (a GIL build, too old, did not run); missing when it can. */
  refused?: string;
}

/** Every interpreter found in `places`, each run once to describe it, with why ftpy refuses those it does. */
export function listInterpreters(places: Places): Promise<FoundInterpreter[]> {
  return Promise.all(
    findCandidates(places).map(async (candidate): Promise<FoundInterpreter> => {
      let info: InterpreterInfo;
      try {
        info = await describeInterpreter(candidate.path);
      } catch (error) {
        return { ...candidate, refused: errorMessage(error) };
      }
      try {
        return { ...candidate, info: requireFreeThreaded(info) };
      } catch (error) {
        return { ...candidate, info, refused: errorMessage(error) };
      }
    }),
  );
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
