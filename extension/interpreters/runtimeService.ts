import * as vscode from 'vscode';
import { errorMessage, UserFacingError } from '../../runtime/errors';
import { RuntimeSource, RuntimeWish, runtimeSources } from '../../runtime/provision/cpythonSource';
import { EmbeddedRuntime, ensureRuntime, readyRuntime } from '../../runtime/provision/runtime';
import { showFailure } from '../debugging/failures';

/** The embedded runtime the settings `ftpy.runtime.*` ask for, provisioned with a progress
 * notification and its build log in the output channel. */
export class RuntimeService {
  private pending: Promise<EmbeddedRuntime> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The ready runtime, or one provisioned now (with progress). */
  async get(): Promise<EmbeddedRuntime> {
    const sources = this.sources();
    return readyRuntime(sources) ?? this.provision(sources);
  }

  /** The runtime if it is built; undefined also while a setting is wrong (provisioning says why). */
  ready(): EmbeddedRuntime | undefined {
    try {
      return readyRuntime(this.sources());
    } catch {
      return undefined;
    }
  }

  /** The "Install Embedded Runtime" command. */
  async install(): Promise<void> {
    const ready = this.ready();
    if (ready) {
      void vscode.window.showInformationMessage(`The embedded runtime is installed: Python ${ready.version} (free-threaded) at ${ready.python}.`);
      return;
    }
    try {
      const runtime = await this.provision(this.sources());
      void vscode.window.showInformationMessage(`Embedded runtime ready: Python ${runtime.version} (free-threaded) at ${runtime.python}.`);
    } catch (error) {
      await this.showFailure(error);
    }
  }

  showFailure(error: unknown): Promise<void> {
    return showFailure(error, this.log);
  }

  /** The sources the settings name; a wrong setting is a UserFacingError that names it. */
  private sources(): RuntimeSource[] {
    const settings = vscode.workspace.getConfiguration('ftpy.runtime');
    const wish: RuntimeWish = {
      from: settings.get<RuntimeWish['from']>('source'),
      version: settings.get<string>('version'),
      mirror: settings.get<string>('mirror'),
    };
    return runtimeSources(wish);
  }

  private provision(sources: RuntimeSource[]): Promise<EmbeddedRuntime> {
    this.pending ??= Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Free-Threaded Python: installing the embedded runtime' },
        (progress) =>
          ensureRuntime(
            {
              onPhase: (phase, detail) => {
                this.log.info(`${phase}: ${detail}`);
                progress.report({ message: `${phase}: ${detail}` });
              },
              onOutput: (text) => this.log.append(text),
            },
            sources,
          ),
      ),
    ).finally(() => {
      this.pending = undefined;
    });
    return this.pending.catch((error: unknown) => {
      throw error instanceof UserFacingError ? error : new UserFacingError(errorMessage(error), 'openLog');
    });
  }
}
