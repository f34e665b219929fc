/**
 * The tests' one wrapper of the Prometheus text-format parser: scrape an endpoint, read one series.
 * parse-prometheus-text-format folds a LABELLED histogram's `_count` and `_sum` series away (it only keeps
 * them for unlabelled ones), so a histogram's count is read from its `_count` lines in the same text.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Scrape {
  readonly families: ReturnType<typeof parsePrometheusTextFormat>;
  readonly text: string;
}

export async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`scrape ${url}: HTTP ${res.status}`);
  const text = await res.text();
  return { families: parsePrometheusTextFormat(text), text };
}

/** The family's type, or undefined when the scrape has no such family. */
export function typeOf(s: Scrape, name: string): string | undefined {
  return s.families.find((x) => x.name === name)?.type;
}

/**
 * Sum over the series of `name` whose labels include `labels`: a counter's or gauge's value, a histogram's
 * count. 0 when there is none.
 */
export function value(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  const fam = s.families.find((x) => x.name === name);
  if (!fam) return 0;
  if (fam.type === 'HISTOGRAM') return histogramCount(s.text, name, labels);
  let sum = 0;
  for (const m of fam.metrics) if (Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) sum += Number(m.value);
  return sum;
}

function histogramCount(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}_count(?:\\{(.*)\\})? (\\S+)$`).exec(line);
    if (!m) continue;
    const got = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[2]);
  }
  return sum;
}
