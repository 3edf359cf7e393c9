// The runtime panel's webview: five tabs over the active session's runtime model. The extension
// host sends the model once, then batches; this side applies them with the same pure functions.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import 'uplot/dist/uPlot.min.css';
import './runtime.css';
import { addBatch } from '../../model/runtimeHistory';
import type { FromWebview, PanelTab, SessionView, ToWebview } from '../messages';
import { el } from './dom';
import { EvalBreakerTab } from './evalBreakerTab';
import { GcTab } from './gcTab';
import { HeapsTab } from './heapsTab';
import { RefcountsTab } from './refcountsTab';
import { ScalingTab } from './scalingTab';
import { onThemeChange } from './theme';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();

function tabPanel(id: PanelTab): HTMLElement {
  return el('vscode-tab-panel', { 'data-tab': id });
}

const gc = new GcTab(tabPanel('gc'));
const refcounts = new RefcountsTab(tabPanel('refcounts'));
const evalBreaker = new EvalBreakerTab(tabPanel('evalBreaker'));
const heaps = new HeapsTab(tabPanel('heaps'), () => vscode.postMessage({ type: 'refreshSnapshot' }));
const scaling = new ScalingTab(
  tabPanel('scaling'),
  (on) => vscode.postMessage({ type: 'record', on }),
  (file, line) => vscode.postMessage({ type: 'openSite', file, line }),
);
const TABS: { id: PanelTab; title: string; root: HTMLElement }[] = [
  { id: 'gc', title: 'GC', root: gc.root },
  { id: 'refcounts', title: 'Refcount merges', root: refcounts.root },
  { id: 'evalBreaker', title: 'Eval-breaker', root: evalBreaker.root },
  { id: 'heaps', title: 'Heaps', root: heaps.root },
  { id: 'scaling', title: 'Scaling', root: scaling.root },
];

const header = el('div', { class: 'session' });
const tabs = el('vscode-tabs', { panel: '' });
for (const tab of TABS) tabs.append(el('vscode-tab-header', { slot: 'header', 'data-tab': tab.id }, tab.title), tab.root);
tabs.addEventListener('vsc-tabs-select', (event) => vscode.postMessage({ type: 'tab', tab: TABS[event.detail.selectedIndex]?.id ?? 'gc' }));
const empty = el(
  'p',
  { class: 'muted empty' },
  'Debug a program with Free-Threaded Python to see its runtime here: GC, refcount merges, eval-breaker signals, heaps, and why its threads do not scale.',
);
document.body.append(header, tabs, empty);

let session: SessionView | null = null;
let redrawQueued = false;

function renderHeader(): void {
  tabs.hidden = !session;
  empty.hidden = !!session;
  if (!session) return header.replaceChildren();
  const badge = { running: 'live', stopped: 'stopped · frozen', ended: 'ended' }[session.phase];
  const meaning = {
    running: 'updating from samples',
    stopped: 'the program is stopped: the view is frozen at the stop',
    ended: 'the session has ended: its last data stay shown until another session starts',
  }[session.phase];
  const gil = session.history.latest ? (session.history.latest.gilEnabled ? 'GIL on' : 'GIL off') : '';
  header.replaceChildren(
    el('strong', {}, session.name),
    ' ',
    el('vscode-badge', { 'data-phase': session.phase, title: meaning }, badge),
    ` ${session.history.sampleCount} samples ${gil ? `· ${gil}` : ''}`,
    // Above every tab: why they stay empty.
    ...(session.history.unavailable ? [el('p', { class: 'error unavailable' }, session.history.unavailable)] : []),
  );
}

function renderAll(): void {
  renderHeader();
  if (!session) return;
  gc.render(session);
  refcounts.render(session);
  evalBreaker.render(session);
  heaps.render(session);
  scaling.render(session.scaling, session.phase !== 'ended');
}

/** Batches come up to 10 a second: draw once per animation frame at most. */
function queueRedraw(): void {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    renderAll();
  });
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'session':
      session = message.session;
      renderAll();
      break;
    case 'samples':
      if (!session || session.phase !== 'running') break;
      addBatch(session.history, message.batch);
      queueRedraw();
      break;
    case 'phase':
      if (session) session.phase = message.phase;
      renderHeader();
      break;
    case 'snapshot':
      if (!session) break;
      session.snapshot = message.snapshot;
      heaps.renderSnapshot(session, message.snapshot);
      break;
    case 'scaling':
      if (session) session.scaling = message.scaling;
      scaling.render(message.scaling, session?.phase !== 'ended');
      break;
    case 'refcount':
      if (session) session.refcount = message.refcount;
      refcounts.renderAnatomy(message.refcount);
      break;
    case 'showTab':
      tabs.selectedIndex = TABS.findIndex((tab) => tab.id === message.tab);
      vscode.postMessage({ type: 'tab', tab: message.tab });
      break;
  }
});

onThemeChange(() => {
  gc.restyle();
  refcounts.restyle();
});

vscode.postMessage({ type: 'ready' });
vscode.postMessage({ type: 'tab', tab: TABS[tabs.selectedIndex]?.id ?? 'gc' });
