// How ftpy starts a program with its agent inside: on python's own command line (so the program's
// frames, sys.argv and sys.orig_argv are as without ftpy), with the agent's folder start/ first on
// PYTHONPATH, from where site imports start/sitecustomize.py, which undoes that before the program.
import * as path from 'node:path';
import { agentDir } from '../packageRoot';
import type { AgentOptions, AgentTarget } from './protocol';

export type GilMode = 'off' | 'on' | 'default';
const GIL_FLAGS: Record<GilMode, string[]> = { off: ['-X', 'gil=0'], on: ['-X', 'gil=1'], default: [] };

/** What the agent does before the program (ftpy_agent/start.py). */
export type AgentStart = { mode: 'debug'; socket: string; token: string; options: AgentOptions } | { mode: 'run'; reportFd: number };

/** python's arguments for the target, as a user would type them. */
export function pythonArguments(gil: GilMode, target: AgentTarget, args: readonly string[]): string[] {
  const what = 'program' in target ? [target.program] : 'module' in target ? ['-m', target.module] : ['-c', target.code];
  return [...GIL_FLAGS[gil], ...what, ...args];
}

/** The program's environment with what makes its python start the agent. */
export function agentStartEnvironment(env: NodeJS.ProcessEnv, start: AgentStart): NodeJS.ProcessEnv {
  const pythonPath = env.PYTHONPATH || null;
  return {
    ...env,
    PYTHONPATH: [path.join(agentDir(), 'start'), ...(pythonPath ? [pythonPath] : [])].join(path.delimiter),
    FTPY_AGENT_START: JSON.stringify({ ...start, pythonPath }),
  };
}
