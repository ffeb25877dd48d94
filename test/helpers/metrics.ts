/**
 * Prometheus text from a process's `/debug/metrics`, read as samples: the one scraper the
 * tests share (prom-client's exposition format: `name{labels} value` per line).
 */

/**
 * Every sample of `origin`'s `/debug/metrics` (origin: `http://127.0.0.1:<port>`, or a
 * `/rpc/v1` URL, whose path is replaced): series text (name with its labels, exactly as
 * printed) → value.
 */
export async function scrapeMetrics(origin: string): Promise<Map<string, number>> {
  const url = new URL(origin);
  url.pathname = '/debug/metrics';
  const text = await (await fetch(url)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    samples.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return samples;
}

/** One series' value (name with labels, as printed), NaN when absent. */
export async function metricValue(origin: string, series: string): Promise<number> {
  return (await scrapeMetrics(origin)).get(series) ?? NaN;
}

/** The values of every series of metric `name` (any labels). */
export function seriesOf(samples: Map<string, number>, name: string): number[] {
  const out: number[] = [];
  for (const [k, v] of samples) if (k === name || k.startsWith(`${name}{`)) out.push(v);
  return out;
}
