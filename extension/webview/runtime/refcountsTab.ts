// Refcount merges: each thread's biased-refcount queue depth and the rate of explicit-merge
// signals, and the anatomy of the last variable inspected with "Inspect Refcount".
import { historyRange } from '../../model/runtimeHistory';
import { refcountFields } from '../../model/refcountFields';
import type { RefcountView, SessionView } from '../messages';
import { el, threadLabel } from './dom';
import { TimeChart } from './timeChart';

export class RefcountsTab {
  private readonly chart: TimeChart;
  private readonly summary = el('p');
  private readonly anatomy = el('div', { class: 'anatomy' });

  constructor(readonly root: HTMLElement) {
    const chartBox = el('div', { class: 'chart', 'data-chart': 'brc' });
    root.append(
      el(
        'h3',
        {
          title:
            'Objects another thread released and queued for their owner to merge (BRC objects_to_merge); the owner merges them when it sees the explicit-merge signal',
        },
        'BRC queue depth per thread, explicit-merge signals per second',
      ),
      chartBox,
      this.summary,
      el('h3', {}, 'Refcount anatomy'),
      this.anatomy,
    );
    this.chart = new TimeChart(chartBox);
  }

  render(session: SessionView): void {
    const { history } = session;
    this.chart.update({
      spec: {
        leftLabel: 'queued objects',
        rightLabel: 'merges / s',
        series: [
          ...history.threads.map((series) => ({ label: threadLabel(series.threadId, series.name) })),
          { label: 'explicit merges / s', axis: 'right' as const },
        ],
      },
      data: [history.times.map((time) => time / 1000), ...history.threads.map((series) => series.brcQueue), history.mergeRate],
      range: historyRange(history),
      bands: history.stopTheWorld,
    });
    const deepest = Math.max(0, ...history.threads.flatMap((series) => series.brcQueue.filter((depth): depth is number => depth !== null)));
    this.summary.textContent = `Deepest queue in the window: ${deepest} objects; explicit-merge signals this session: ${history.signalCounts.explicit_merge ?? 0}.`;
    this.renderAnatomy(session.refcount);
  }

  renderAnatomy(refcount: RefcountView | null): void {
    if (!refcount) {
      this.anatomy.replaceChildren(el('p', { class: 'muted' }, 'While stopped, right-click a variable in the Variables view and choose "Inspect Refcount".'));
    } else if (refcount.error || !refcount.anatomy) {
      this.anatomy.replaceChildren(el('p', { class: 'error' }, `${refcount.expression}: ${refcount.error ?? 'no answer'}`));
    } else {
      const rows = refcountFields(refcount.anatomy).map((field) =>
        el('tr', { title: field.explanation }, el('th', {}, field.label), el('td', { 'data-field': field.label }, field.value)),
      );
      this.anatomy.replaceChildren(el('p', {}, el('code', {}, refcount.expression)), el('table', { class: 'fields' }, el('tbody', {}, ...rows)));
    }
  }

  restyle(): void {
    this.chart.restyle();
  }
}
