// GC: the collections of the last minute (duration bars, collected counts) over stop-the-world
// bands, and the collector's state and thresholds now.
import type { SessionView } from '../messages';
import { el, table } from './dom';
import { TimeChart } from './timeChart';
import { generationCount, historyRange } from '../../model/runtimeHistory';

export class GcTab {
  private readonly state = el('div', { class: 'state' });
  private readonly generations = el('div');
  private readonly chart: TimeChart;

  constructor(readonly root: HTMLElement) {
    const chartBox = el('div', { class: 'chart', 'data-chart': 'gc' });
    root.append(
      el('h3', { title: 'gc.callbacks from the agent; shaded: the world was stopped when a sample was read' }, 'Collections (last minute)'),
      chartBox,
      this.state,
      this.generations,
    );
    this.chart = new TimeChart(chartBox);
  }

  render(session: SessionView): void {
    const { history } = session;
    const collections = [...history.collections].sort((a, b) => a.start - b.start);
    this.chart.update({
      spec: {
        leftLabel: 'pause (ms)',
        rightLabel: 'collected',
        series: [
          { label: 'duration (ms)', bars: true },
          { label: 'objects collected', axis: 'right', points: true },
        ],
      },
      data: [collections.map((c) => c.start / 1000), collections.map((c) => c.end - c.start), collections.map((c) => c.collected)],
      range: historyRange(history),
      bands: history.stopTheWorld,
    });
    const gc = history.latest?.gc;
    const last = collections.at(-1);
    this.state.replaceChildren(
      gc
        ? el(
            'p',
            {},
            el('vscode-badge', { variant: gc.enabled ? 'default' : 'counter', title: 'gc.isenabled()' }, gc.enabled ? 'enabled' : 'disabled'),
            ' ',
            el('vscode-badge', { title: 'a collection is running (the world is stopped for parts of it)' }, gc.collecting ? 'collecting' : 'idle'),
            ' ',
            history.latest?.worldStopped ? el('vscode-badge', { title: 'every thread is suspended' }, 'world stopped') : null,
            ` ${history.collections.length} collections in the window`,
            last
              ? `; last: generation ${last.generation}, ${(last.end - last.start).toFixed(2)} ms, ${last.collected} collected, ${last.uncollectable} uncollectable`
              : '',
          )
        : el('p', { class: 'muted' }, 'No sample yet.'),
    );
    if (!gc) return this.generations.replaceChildren();
    this.generations.replaceChildren(
      table(
        [
          { text: 'Generation' },
          { text: 'Count', title: 'allocations (young) or survivors counted toward the next collection' },
          { text: 'Threshold', title: 'gc.get_threshold(): a collection starts when the count passes it' },
          { text: 'Collections', title: 'gc.get_stats()[gen]["collections"]' },
          { text: 'Collected', title: 'gc.get_stats()[gen]["collected"]' },
          { text: 'Uncollectable', title: 'gc.get_stats()[gen]["uncollectable"]' },
        ],
        gc.generations.map((generation, index) => [
          index,
          generationCount(generation.count),
          generation.threshold,
          generation.collections,
          generation.collected,
          generation.uncollectable,
        ]),
      ),
    );
  }

  restyle(): void {
    this.chart.restyle();
  }
}
