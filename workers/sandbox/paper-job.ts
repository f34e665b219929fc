/**
 * One paper (or live) strategy run inside the sandbox process. The host's kernel stays in the host; here a
 * CodeStrategy runs against a mirror of the kernel context that the host refreshes with every request
 * (the bar, the run's position and equity, the clock). What the strategy does comes back as intents —
 * orders, cancels — which the host checks and places through its own risk gate, within the same kernel
 * step (the host waits for the reply: sync-channel.ts), so a strategy behaves as it did in-process.
 *
 * Order ids: the strategy gets local ids (`s1`, `s2`, ...) at once; the host maps them to the kernel's.
 * Semantics that differ from in-process: a refused order still got an id (it never fills), and the
 * position read after an order in the same callback is the one the callback started with.
 *
 * Requests (IPC): load → start → bar | fill ...; each answered by one frame: { ok, intents, logs } or
 * { ok: false, message }.
 */
import { StrategyError } from '../../main/core/errors.ts';
import { CandleBuffer } from '../../main/core/engine/series.ts';
import type { StrategyOrder } from '../../main/core/engine/strategy.ts';
import type { Candle, Fill, Instrument } from '../../main/core/model/index.ts';
import { CodeStrategy, type CodeKernel } from '../../main/core/strategy/code.ts';
import { sandboxedModule } from '../backtest/sandbox.ts';

export interface PaperJobMessage {
  readonly type: 'paper';
}

/** The run's state as the host sees it, sent with every request. */
export interface Snapshot {
  readonly now: number;
  /** Net position of the symbol, lots. */
  readonly position: number;
  readonly equity: number;
}

export type PaperRequest =
  | { readonly type: 'load'; readonly source: string; readonly fileName: string; readonly id: string; readonly version?: string; readonly params: Readonly<Record<string, number>>; readonly seed: number }
  | ({ readonly type: 'start'; readonly instrument: Instrument; readonly intervalMs: number; readonly history: History } & Snapshot)
  | ({ readonly type: 'bar'; readonly i: number; readonly candle: Candle } & Snapshot)
  | ({ readonly type: 'fill'; readonly fill: Fill; readonly tag: string } & Snapshot);

/**
 * The bars the kernel context already holds when a strategy starts (a reloaded version sees the run's whole
 * history, as it did in-process): bars [from, count) as columns; bars before `from` read as NaN.
 */
export interface History {
  readonly from: number;
  readonly count: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export type Intent =
  | { readonly op: 'submit'; readonly local: string; readonly req: StrategyOrder }
  | { readonly op: 'cancel'; readonly local: string }
  | { readonly op: 'cancelAll' };

export type PaperReply = { readonly ok: true; readonly intents: Intent[]; readonly logs: string[]; readonly params?: Record<string, number> } | { readonly ok: false; readonly message: string };

class Mirror implements CodeKernel {
  readonly engine;
  readonly symbol: string;
  readonly instrument: Instrument;
  readonly bars: CandleBuffer;
  i = -1;
  position = 0;
  equity = 0;
  now = 0;
  intents: Intent[] = [];
  private seq = 0;
  private readonly tags = new Map<string, string>();

  constructor(instrument: Instrument, intervalMs: number, h: History) {
    this.instrument = instrument;
    this.symbol = instrument.symbol;
    this.bars = new CandleBuffer(intervalMs, h.count + 256);
    const k = h.ts.length;
    if (h.from < 0 || h.from + k !== h.count) throw new StrategyError('inconsistent bar history');
    for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      this.bars[c].fill(NaN, 0, h.from);
      this.bars[c].set(h[c], h.from);
    }
    this.bars.length = h.count;
    this.i = h.count - 1;
    this.engine = { clock: { now: () => this.now }, order: (id: string) => (this.tags.has(id) ? { tag: this.tags.get(id) } : undefined) };
  }

  refresh(s: Snapshot): void {
    this.now = s.now;
    this.position = s.position;
    this.equity = s.equity;
  }

  tag(local: string, tag: string): void {
    this.tags.set(local, tag);
  }

  private at(col: Float64Array, ago = 0): number {
    if (!(ago >= 0)) throw new StrategyError(`look-ahead refused: bar ${ago} ago`, { i: this.i, ago });
    const k = this.i - ago;
    return k >= 0 ? col[k]! : NaN;
  }

  time(ago?: number): number { return this.at(this.bars.ts, ago); }
  open(ago?: number): number { return this.at(this.bars.open, ago); }
  high(ago?: number): number { return this.at(this.bars.high, ago); }
  low(ago?: number): number { return this.at(this.bars.low, ago); }
  close(ago?: number): number { return this.at(this.bars.close, ago); }
  volume(ago?: number): number { return this.at(this.bars.volume, ago); }

  submit(req: StrategyOrder): { clientOrderId: string } {
    const local = `s${++this.seq}`;
    if (req.tag !== undefined) this.tags.set(local, req.tag);
    this.intents.push({ op: 'submit', local, req });
    return { clientOrderId: local };
  }
  cancel(local: string): void {
    this.intents.push({ op: 'cancel', local });
  }
  cancelAll(): void {
    this.intents.push({ op: 'cancelAll' });
  }
}

export function runPaperJob(_job: PaperJobMessage, send: (m: unknown) => void): void {
  let strategy: CodeStrategy | undefined;
  let mirror: Mirror | undefined;
  let logged = 0;
  const reply = (fn: () => Record<string, number> | void): void => {
    try {
      if (mirror) mirror.intents = [];
      const params = fn();
      const logs = strategy ? strategy.logs.slice(logged) : [];
      logged += logs.length;
      send({ ok: true, intents: mirror?.intents ?? [], logs, ...(params ? { params } : {}) } satisfies PaperReply);
    } catch (e) {
      send({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies PaperReply);
    }
  };
  process.on('message', (raw: unknown) => {
    const r = raw as PaperRequest;
    reply(() => {
      if (r.type === 'load') {
        const mod = sandboxedModule(r.source, { fileName: r.fileName, seed: r.seed });
        strategy = new CodeStrategy(mod, { id: r.id, ...(r.version !== undefined ? { version: r.version } : {}), params: r.params });
        return mod.params ?? {};
      }
      if (!strategy) throw new StrategyError('the strategy is not loaded');
      if (r.type === 'start') {
        mirror = new Mirror(r.instrument, r.intervalMs, r.history);
        mirror.refresh(r);
        strategy.onStart(mirror);
        return;
      }
      if (!mirror) throw new StrategyError('the strategy is not started');
      mirror.refresh(r);
      if (r.type === 'bar') {
        const i = mirror.bars.push(r.candle);
        if (i !== r.i) throw new StrategyError(`bar ${r.i} arrived as bar ${i} (bars were skipped)`);
        mirror.i = i;
        strategy.onBar(mirror);
      } else if (r.type === 'fill') {
        mirror.tag(r.fill.clientOrderId, r.tag);
        strategy.onFill(mirror, r.fill);
      }
    });
  });
}
