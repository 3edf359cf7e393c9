// The "Threads & Locks" view (Run and Debug container, ftpy sessions): while it is visible, asks
// the active ftpy session for 'ftpy/locks' on every stop and every second while it runs, and once
// when it comes into view. Hidden, it asks nothing: each answer is a walk of the program's memory,
// taken from the program on a machine whose cores it uses. The tree is built by locksTree.ts.
import * as vscode from 'vscode';
import { FTPY_EVENTS, FTPY_REQUESTS, type LocksResponseBody } from '../debug-adapter/protocol';
import { ftpyRequest } from './ftpyRequest';
import { lockTree, type LockTreeNode, type NodeIcon } from './locksTree';
import { RESUMING_REQUESTS } from './runtimeSessions';

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

/** Registers the view and keeps it in step with the active ftpy session while it is visible. */
export function registerLocksView(): vscode.Disposable {
  const provider = new LocksTreeProvider();
  const view = vscode.window.createTreeView('ftpy.locks', { treeDataProvider: provider, showCollapseAll: true });
  const stopped = new Set<string>();
  let pending = false;
  const refresh = async (session: vscode.DebugSession | undefined = vscode.debug.activeDebugSession) => {
    if (!view.visible) return;
    if (session?.type !== 'ftpy') {
      provider.show(undefined);
      return;
    }
    if (pending) return;
    pending = true;
    try {
      provider.show(await ftpyRequest(session, FTPY_REQUESTS.locks, { stacks: false }));
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
        const session = vscode.debug.activeDebugSession;
        if (session?.type === 'ftpy' && !stopped.has(session.id)) void refresh(session);
      }, REFRESH_MS);
      void refresh();
    } else if (!view.visible && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  followVisibility();
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('ftpy', {
    createDebugAdapterTracker: (session) => ({
      onWillReceiveMessage: (message: { type?: string; command?: string }) => {
        if (message.type === 'request' && message.command && RESUMING_REQUESTS.has(message.command)) stopped.delete(session.id);
      },
      onDidSendMessage: (message: { type?: string; event?: string; body?: { allThreadsStopped?: boolean } }) => {
        if (message.type !== 'event') return;
        if (message.event === 'stopped') {
          if (message.body?.allThreadsStopped) stopped.add(session.id);
          void refresh(session);
        } else if (message.event === 'continued') {
          stopped.delete(session.id);
        } else if (message.event === FTPY_EVENTS.deadlock) {
          void refresh(session);
        }
      },
      onWillStopSession: () => stopped.delete(session.id),
    }),
  });
  return vscode.Disposable.from(
    view,
    view.onDidChangeVisibility(followVisibility),
    tracker,
    vscode.debug.onDidChangeActiveDebugSession((session) => void refresh(session)),
    vscode.debug.onDidTerminateDebugSession(() => void refresh()),
    { dispose: () => clearInterval(timer) },
  );
}
