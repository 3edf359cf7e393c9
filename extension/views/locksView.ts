// The "Threads & Locks" view (Run and Debug container, ftpy sessions): while it is visible, asks
// the active ftpy session (its model in RuntimeSessions) for 'ftpy/locks' at every stop and
// deadlock, every second while it runs, and once when it comes into view. Hidden, it asks nothing:
// each answer is a walk of the program's memory, taken from the program on a machine whose cores
// it uses. The tree is built by locksTree.ts.
import * as vscode from 'vscode';
import { FTPY_REQUESTS, type LocksResponseBody } from '../../debug-adapter/protocol';
import { ftpyRequest } from '../debugging/ftpyRequest';
import { lockTree, type LockTreeNode, type NodeIcon } from './locksTree';
import type { RuntimeSessions } from '../debugging/runtimeSessions';

const REFRESH_MS = 1000;

const ICONS: Record<NodeIcon, string> = {
  deadlock: 'error',
  running: 'play-circle',
  blocked: 'debug-pause',
  stopped: 'debug-stackframe',
  unknown: 'question',
  holds: 'lock',
  waits: 'watch',
  note: 'info',
};

class LocksTreeProvider implements vscode.TreeDataProvider<LockTreeNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: LockTreeNode[] = [];

  show(view: LocksResponseBody | undefined): void {
    this.roots = view ? lockTree(view) : [];
    this.changed.fire();
  }

  getChildren(node?: LockTreeNode): LockTreeNode[] {
    return node ? node.children : this.roots;
  }

  getTreeItem(node: LockTreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip ?? [node.label, node.description].filter(Boolean).join(' — ');
    item.iconPath = new vscode.ThemeIcon(ICONS[node.icon], node.deadlocked ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = node.deadlocked ? 'ftpy.lock.deadlocked' : `ftpy.lock.${node.icon}`;
    if (node.site) {
      const line = Math.max(node.site.line - 1, 0);
      item.command = {
        title: 'Open',
        command: 'vscode.open',
        arguments: [vscode.Uri.file(node.site.path), { selection: new vscode.Range(line, 0, line, 0), preview: true }],
      };
    }
    return item;
  }
}

/** Registers the view and keeps it in step with the active ftpy session (its model in `sessions`) while it is visible. */
export function registerLocksView(sessions: RuntimeSessions): vscode.Disposable {
  const provider = new LocksTreeProvider();
  const view = vscode.window.createTreeView('ftpy.locks', { treeDataProvider: provider, showCollapseAll: true });
  let pending = false;
  const refresh = async () => {
    if (!view.visible) return;
    const model = sessions.active;
    if (!model) {
      provider.show(undefined);
      return;
    }
    if (pending) return;
    pending = true;
    try {
      provider.show(await ftpyRequest(model.session, FTPY_REQUESTS.locks, { stacks: false }));
    } catch {
      // the session is ending, or cannot answer now: keep the last picture until the next refresh
    } finally {
      pending = false;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const followVisibility = () => {
    if (view.visible && timer === undefined) {
      timer = setInterval(() => {
        const model = sessions.active;
        if (model && !model.allStopped) void refresh();
      }, REFRESH_MS);
      void refresh();
    } else if (!view.visible && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  followVisibility();
  return vscode.Disposable.from(
    view,
    view.onDidChangeVisibility(followVisibility),
    // A new or ended session, another one active, a resume; a stop, a deadlock.
    sessions.onDidChange((change) => (change.kind === 'session' || change.kind === 'threads') && void refresh()),
    { dispose: () => clearInterval(timer) },
  );
}
