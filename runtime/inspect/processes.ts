// Running Python processes, for picking one to attach to (`${command:ftpy.pickProcess}`).
import * as fs from 'node:fs';
import { parseProcMaps, pythonBinaries } from './procMaps';

export interface PythonProcess {
  pid: number;
  /** The command line, arguments joined by spaces. */
  commandLine: string;
  /** The python executable or libpython it maps; undefined when its maps are not readable
   *  (another user's process) and only its command line says python. */
  binary: string | undefined;
}

/** Every process (but this one) that maps a python binary or libpython, or whose unreadable
 *  maps leave only its command name to say it is python; by pid. */
export function listPythonProcesses(procRoot = '/proc'): PythonProcess[] {
  const found: PythonProcess[] = [];
  for (const entry of fs.readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const python = describe(procRoot, pid);
    if (python) found.push(python);
  }
  return found.sort((a, b) => a.pid - b.pid);
}

function describe(procRoot: string, pid: number): PythonProcess | undefined {
  const args = readText(`${procRoot}/${pid}/cmdline`)
    ?.split('\0')
    .filter((arg) => arg !== '');
  if (!args || args.length === 0) return undefined; // exited meanwhile, or a kernel thread
  const commandLine = args.join(' ');
  const maps = readText(`${procRoot}/${pid}/maps`);
  if (maps === undefined) {
    const command = args[0] as string;
    return command.slice(command.lastIndexOf('/') + 1).includes('python') ? { pid, commandLine, binary: undefined } : undefined;
  }
  const binary = pythonBinaries(parseProcMaps(maps))[0]?.path;
  return binary === undefined ? undefined : { pid, commandLine, binary };
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}
