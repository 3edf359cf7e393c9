import type * as vscode from 'vscode';
import type { FtpyRequests } from '../../debug-adapter/protocol';

/** A custom 'ftpy/…' request to an ftpy session, typed by debug-adapter/protocol.ts. */
export function ftpyRequest<Name extends keyof FtpyRequests>(
  session: vscode.DebugSession,
  name: Name,
  args: FtpyRequests[Name][0],
): Promise<FtpyRequests[Name][1]> {
  return Promise.resolve(session.customRequest(name, args));
}
