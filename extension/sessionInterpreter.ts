// Which Python an ftpy debug session runs, and whether it starts with the GIL on: what the GIL
// status item shows before the first sample says otherwise.
import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import { describeInterpreter } from '../runtime/provision/interpreters';
import { readyRuntime } from '../runtime/provision/runtime';

export interface SessionInterpreter {
  version: string;
  gilEnabled: boolean;
}

export async function sessionInterpreter(configuration: vscode.DebugConfiguration): Promise<SessionInterpreter | undefined> {
  const python = interpreterPath(configuration);
  if (!python) return undefined;
  const info = await describeInterpreter(python);
  const gil = configuration.request === 'launch' ? (configuration.gil ?? 'off') : 'default';
  return { version: info.version, gilEnabled: gil === 'on' || (gil === 'default' && info.gilEnabledByDefault) };
}

function interpreterPath(configuration: vscode.DebugConfiguration): string | undefined {
  if (configuration.request === 'attach') {
    try {
      return fs.readlinkSync(`/proc/${Number(configuration.processId)}/exe`);
    } catch {
      return undefined;
    }
  }
  return typeof configuration.python === 'string' ? configuration.python : readyRuntime()?.python;
}
