// The debuggers the benchmarks compare, as adapters to start and launch arguments to send.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandOutput, runCommand } from '../runtime/provision/commands';
import { errorMessage } from '../runtime/errors';
import { Debugger } from './lib/debugSession';
import { compileDebugpy, ensureDebugpy } from './peers/debugpy';

export const repoRoot = path.resolve(__dirname, '..');

export type Availability = { available: true; debugger: Debugger } | { available: false; name: string; why: string };

/** debugpy from Debian's package, its adapter and its debuggee both on the free-threaded `python`. */
export async function debugpy(python: string, output: CommandOutput): Promise<Availability> {
  try {
    const peer = await ensureDebugpy(output);
    await compileDebugpy(peer, python, output);
    const env = { ...process.env, PYTHONPATH: peer.pythonPath, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
    return {
      available: true,
      debugger: {
        name: `debugpy ${peer.version}`,
        adapter: { command: python, args: ['-X', 'gil=0', path.join(peer.pythonPath, 'debugpy', 'adapter')], env },
        launchArguments: (program, args) => ({
          type: 'debugpy',
          request: 'launch',
          program,
          args,
          python,
          pythonArgs: ['-X', 'gil=0'],
          env: { PYTHONPATH: peer.pythonPath, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
          console: 'internalConsole',
          justMyCode: true,
        }),
      },
    };
  } catch (error) {
    return { available: false, name: 'debugpy', why: `debugpy could not be obtained: ${errorMessage(error)}` };
  }
}

/** ftpy's own adapter, built afresh (`node esbuild.js`, about a second) so that the figures are of the code in this tree. */
export async function ftpy(python: string, output: CommandOutput): Promise<Availability> {
  const adapter = path.join(repoRoot, 'dist', 'debug-adapter.js');
  try {
    await runCommand(process.execPath, [path.join(repoRoot, 'esbuild.js')], { cwd: repoRoot, output });
  } catch (error) {
    return { available: false, name: 'ftpy', why: `the build failed: ${errorMessage(error)}` };
  }
  if (!fs.existsSync(adapter)) return { available: false, name: 'ftpy', why: `the build made no ${path.relative(repoRoot, adapter)}` };
  return {
    available: true,
    debugger: {
      name: 'ftpy',
      adapter: { command: process.execPath, args: [adapter] },
      launchArguments: (program, args) => ({
        type: 'ftpy',
        request: 'launch',
        program,
        args,
        python,
        gil: 'off',
        console: 'internalConsole',
        stopOnEntry: false,
        justMyCode: true,
      }),
    },
  };
}
