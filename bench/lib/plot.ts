/**
 * Plots for the benchmark report, as SVG files rendered by Vega-Lite (compiled to a
 * Vega view, rendered headless with `toSVG`: no canvas, no browser).
 */
import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import * as vl from 'vega-lite';

/** One series point: `x`, `y`, and the series it belongs to. */
export interface Point {
  x: number;
  y: number;
  series: string;
}

/** Axis titles and scales of a line chart. */
export interface LineChart {
  title: string;
  x: string;
  y: string;
  xLog?: boolean;
  yLog?: boolean;
  /** Draw points as well as lines (sparse series). */
  points?: boolean;
  /** Dashed series (e.g. a model's prediction) by name. */
  dashed?: readonly string[];
}

async function render(spec: vl.TopLevelSpec, file: string): Promise<void> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  writeFileSync(file, await view.toSVG());
  view.finalize();
}

/** A line chart of `points` by series, written to `file` (SVG). */
export async function lineChart(file: string, c: LineChart, points: readonly Point[]): Promise<void> {
  await render(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: c.title,
      width: 560,
      height: 300,
      data: { values: points.map((p) => ({ ...p, dashed: c.dashed?.includes(p.series) ?? false })) },
      mark: { type: 'line', point: c.points ?? true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: c.x, scale: c.xLog ? { type: 'log' } : { zero: false } },
        y: { field: 'y', type: 'quantitative', title: c.y, scale: c.yLog ? { type: 'log' } : {} },
        color: { field: 'series', type: 'nominal', title: null },
        strokeDash: { field: 'dashed', type: 'nominal', legend: null, scale: { domain: [false, true], range: [[1, 0], [6, 4]] } },
      },
    },
    file,
  );
}

/** A histogram of `values` (bins of `binStep` on the x axis), per series, written to `file` (SVG). */
export async function histogram(file: string, c: { title: string; x: string; binStep?: number }, values: ReadonlyArray<{ v: number; series: string }>): Promise<void> {
  await render(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: c.title,
      width: 560,
      height: 300,
      data: { values: [...values] },
      mark: { type: 'bar', opacity: 0.7 },
      encoding: {
        x: { field: 'v', type: 'quantitative', bin: c.binStep ? { step: c.binStep } : { maxbins: 40 }, title: c.x },
        y: { aggregate: 'count', type: 'quantitative', title: 'count', stack: null },
        color: { field: 'series', type: 'nominal', title: null },
      },
    },
    file,
  );
}
