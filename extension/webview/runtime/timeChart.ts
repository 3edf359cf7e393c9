// A uPlot time chart that keeps its series set until it changes, follows the theme and the
// panel's size, and shades intervals (stop-the-world pauses) behind the series.
import uPlot from 'uplot';
import type { Interval } from '../../model/runtimeHistory';
import { chartTheme } from './theme';

export interface SeriesSpec {
  label: string;
  /** 'right': drawn against the right axis. */
  axis?: 'left' | 'right';
  bars?: boolean;
  points?: boolean;
}

export interface ChartSpec {
  leftLabel: string;
  rightLabel?: string;
  series: SeriesSpec[];
}

export interface ChartData {
  spec: ChartSpec;
  /** x in seconds since the epoch, then one array per series. */
  data: uPlot.AlignedData;
  /** The visible time range, ms. */
  range: [number, number];
  bands: Interval[];
}

const HEIGHT = 180;

export class TimeChart {
  private plot: uPlot | undefined;
  private specKey = '';
  private current: ChartData | undefined;

  constructor(private readonly container: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(container);
  }

  update(chart: ChartData): void {
    this.current = chart;
    const key = JSON.stringify(chart.spec);
    if (!this.plot || key !== this.specKey) this.create(chart, key);
    else this.plot.setData(chart.data);
  }

  /** Rebuilds with the theme's colours. */
  restyle(): void {
    if (this.current) this.create(this.current, JSON.stringify(this.current.spec));
  }

  private create(chart: ChartData, key: string): void {
    this.plot?.destroy();
    this.specKey = key;
    const theme = chartTheme();
    const axis = (label: string, scale: string, side: 1 | 3): uPlot.Axis => ({
      label,
      scale,
      side,
      stroke: theme.foreground,
      grid: { stroke: theme.grid, width: 1, show: side === 3 },
      ticks: { stroke: theme.grid },
    });
    const series: uPlot.Series[] = chart.spec.series.map((spec, index) => ({
      label: spec.label,
      scale: spec.axis === 'right' ? 'right' : 'y',
      stroke: theme.series[index % theme.series.length],
      fill: spec.bars ? theme.series[index % theme.series.length] : undefined,
      width: spec.bars ? 0 : 1.5,
      paths: spec.bars ? uPlot.paths.bars?.({ size: [0.6, 12, 2] }) : spec.points ? () => null : undefined,
      points: { show: spec.points === true, size: 6 },
      spanGaps: false,
    }));
    const options: uPlot.Options = {
      width: this.width(),
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: () => this.xRange() },
        y: { range: (_plot, _min, max) => [0, Math.max(1, max)] },
        right: { range: (_plot, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        { stroke: theme.foreground, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid } },
        axis(chart.spec.leftLabel, 'y', 3),
        ...(chart.spec.rightLabel ? [axis(chart.spec.rightLabel, 'right', 1)] : []),
      ],
      series: [{}, ...series],
      hooks: { drawAxes: [(plot) => this.drawBands(plot, theme.band)] },
    };
    this.plot = new uPlot(options, chart.data, this.container);
  }

  private drawBands(plot: uPlot, colour: string): void {
    const context = plot.ctx;
    context.save();
    context.globalAlpha = 0.25;
    context.fillStyle = colour;
    const minWidth = 2 * devicePixelRatio;
    for (const band of this.current?.bands ?? []) {
      const left = plot.valToPos(band.start / 1000, 'x', true);
      const right = plot.valToPos(band.end / 1000, 'x', true);
      if (right < plot.bbox.left || left > plot.bbox.left + plot.bbox.width) continue;
      context.fillRect(left, plot.bbox.top, Math.max(right - left, minWidth), plot.bbox.height);
    }
    context.restore();
  }

  private xRange(): uPlot.Range.MinMax {
    const [start, end] = this.current?.range ?? [0, 1000];
    return [start / 1000, end / 1000];
  }

  private width(): number {
    return Math.max(200, this.container.clientWidth);
  }
}
