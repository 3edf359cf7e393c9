import * as vscode from 'vscode';
import { UserFacingError } from '../../runtime/errors';
import { type InterpreterSource, processPlaces } from '../../runtime/provision/discovery';
import { describeInterpreter, type FoundInterpreter, type InterpreterInfo, listInterpreters, requireFreeThreaded } from '../../runtime/provision/interpreters';
import { showFailure } from '../debugging/failures';
import { trusted } from '../trust';
import { pythonExtensionInterpreters } from './pythonExtension';
import { RuntimeService } from './runtimeService';

/** The interpreter chosen for this workspace; none means ftpy's embedded runtime. */
interface Chosen {
  python: string;
  version: string;
}

const STATE_KEY = 'ftpy.interpreter';
const SELECT_COMMAND = 'ftpy.selectInterpreter';

type Item = vscode.QuickPickItem & { choose: () => Promise<Chosen | undefined | 'embedded'> };

/** "Free-Threaded Python: Select Interpreter", the status bar item showing the choice, and the
 * `python` it gives to Run Python File and to launch configurations that name none. */
export class InterpreterSelection implements vscode.Disposable {
  private readonly statusBar = vscode.window.createStatusBarItem('ftpy.interpreter', vscode.StatusBarAlignment.Left, 100);
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the workspace's interpreter changes. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.statusBar, this.changed];
  private pythonWorkspace = false;

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    private readonly runtimes: RuntimeService,
  ) {
    this.statusBar.name = 'Free-Threaded Python Interpreter';
    this.statusBar.command = SELECT_COMMAND;
    this.disposables.push(
      vscode.commands.registerCommand(SELECT_COMMAND, () => this.select()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatusBar()),
    );
    // Shown in a workspace with Python files, or while a Python file is open.
    void vscode.workspace.findFiles('**/*.py', '**/node_modules/**', 1).then((found) => {
      this.pythonWorkspace = found.length > 0;
      this.updateStatusBar();
    });
    this.updateStatusBar();
  }

  /** The chosen interpreter's path, undefined for the embedded runtime. */
  get python(): string | undefined {
    return this.chosen?.python;
  }

  /** The interpreter a launch that names none runs: the chosen one, else the embedded runtime
   * the settings ask for once it is built (before that, the adapter says how to install it). */
  get launchPython(): string | undefined {
    return this.chosen?.python ?? this.runtimes.ready()?.python;
  }

  private get chosen(): Chosen | undefined {
    return this.state.get<Chosen>(STATE_KEY);
  }

  async select(): Promise<void> {
    if (!trusted('run interpreters to check them')) return;
    const picker = vscode.window.createQuickPick<Item>();
    picker.title = 'Free-Threaded Python: Select Interpreter';
    picker.placeholder = `Interpreter for this workspace (now: ${this.label()})`;
    picker.busy = true;
    picker.items = this.items([]);
    const accepted = new Promise<Item | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0]));
      picker.onDidHide(() => resolve(undefined));
    });
    picker.show();
    // The embedded runtime and "Enter path…" can be picked while the machine is searched.
    const folders = vscode.workspace.workspaceFolders ?? [];
    void pythonExtensionInterpreters(folders[0]?.uri, this.log)
      .then((pythonExtension) => listInterpreters({ ...processPlaces(folders.map((folder) => folder.uri.fsPath)), pythonExtension }))
      .then((found) => {
        picker.items = this.items(found);
        picker.busy = false;
      });
    const picked = await accepted;
    picker.dispose();
    if (!picked) return;
    try {
      const choice = await picked.choose();
      if (choice === undefined) return;
      await this.state.update(STATE_KEY, choice === 'embedded' ? undefined : choice);
      this.log.info(`interpreter for this workspace: ${this.label()}`);
      this.updateStatusBar();
      this.changed.fire();
    } catch (error) {
      await showFailure(error, this.log);
    }
  }

  /** The embedded runtime first, then what was found, grouped by where it came from; refused ones say why when picked. */
  private items(found: FoundInterpreter[]): Item[] {
    const embedded = this.runtimes.ready();
    const groups = new Map<string, Item[]>();
    for (const interpreter of found) {
      const { info, refused } = interpreter;
      const item: Item = {
        label: `${refused ? '$(error)' : '$(python)'} ${info ? `Python ${info.version}` : 'not a Python interpreter ftpy understands'}`,
        description: refused ? (info && !info.freeThreaded ? 'GIL build: not usable' : 'not usable') : 'free-threaded',
        detail: interpreter.path,
        picked: this.chosen?.python === interpreter.path,
        choose: async () => {
          if (refused || !info) throw new UserFacingError(refused ?? `${interpreter.path} cannot be used.`, 'selectInterpreter');
          return chosenFrom(info);
        },
      };
      const group = SOURCE_LABELS[interpreter.source];
      groups.set(group, [...(groups.get(group) ?? []), item]);
    }
    return [
      {
        label: '$(package) Embedded runtime',
        description: embedded ? `Python ${embedded.version}, free-threaded` : 'not installed: installed on first use',
        detail: embedded?.python,
        picked: !this.chosen,
        choose: async () => 'embedded',
      },
      ...[...groups].flatMap(([label, items]): Item[] => [{ label, kind: vscode.QuickPickItemKind.Separator, choose: async () => undefined }, ...items]),
      { label: '', kind: vscode.QuickPickItemKind.Separator, choose: async () => undefined },
      { label: '$(folder-opened) Enter interpreter path…', choose: () => this.enterPath() },
    ];
  }

  private async enterPath(): Promise<Chosen | undefined> {
    const typed = await vscode.window.showInputBox({
      title: 'Free-Threaded Python: Enter Interpreter Path',
      prompt: 'The path of a free-threaded Python (python3.13t or later, built with --disable-gil)',
      placeHolder: '/usr/local/bin/python3.13t',
      ignoreFocusOut: true,
    });
    if (!typed?.trim()) return undefined;
    return chosenFrom(requireFreeThreaded(await describeInterpreter(typed.trim())));
  }

  private label(): string {
    const chosen = this.chosen;
    return chosen ? `Python ${chosen.version} (${chosen.python})` : 'the embedded runtime';
  }

  private updateStatusBar(): void {
    const chosen = this.chosen;
    const embedded = chosen ? undefined : this.runtimes.ready();
    const version = chosen?.version ?? embedded?.version;
    this.statusBar.text = `$(python) ${version ? `${version}t` : '3.13t'}${chosen ? '' : ' (embedded)'}`;
    this.statusBar.tooltip = `Free-Threaded Python: ${this.label()}. Click to select another interpreter.`;
    const pythonOpen = vscode.window.activeTextEditor?.document.languageId === 'python';
    if (this.pythonWorkspace || pythonOpen) this.statusBar.show();
    else this.statusBar.hide();
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function chosenFrom(info: InterpreterInfo): Chosen {
  return { python: info.path, version: info.version };
}

/** The group each source is listed under. */
const SOURCE_LABELS: Record<InterpreterSource, string> = {
  embedded: 'embedded',
  venv: 'workspace environments',
  uv: 'uv',
  pyenv: 'pyenv',
  conda: 'conda',
  PATH: 'PATH',
  'python-extension': 'Python extension',
};
