/**
 * A code strategy for paper (and live) sessions, running in a sandbox process (SANDBOX.md): the kernel
 * Strategy the host attaches. Each kernel callback becomes one request to the process (the bar, the fill,
 * the run's position, equity and clock) and one reply (the strategy's orders and cancels), which is checked
 * here — it is hostile input — and placed through the kernel's own context: the risk gate, the OMS and the
 * audit see a strategy order exactly as before. The host thread waits for the reply at most `callBudgetMs`
 * (sync-link.ts); over the budget, or when the process dies (memory limit, crash), the callback throws a
 * StrategyError and the process is gone — the host carries on.
 */
import { z } from 'zod';
import { StrategyError, ValidationError } from '../../main/core/errors.ts';
import type { Strategy, StrategyContext, StrategyOrder } from '../../main/core/engine/strategy.ts';
import type { Fill } from '../../main/core/model/index.ts';
import { prepareSource } from '../backtest/sandbox.ts';
import type { History, PaperRequest } from './paper-job.ts';
import { SandboxLink } from './sync-link.ts';

export interface SandboxedStrategyOptions {
  readonly fileName: string;
  readonly id: string;
  readonly version?: string | undefined;
  readonly params?: Readonly<Record<string, number>>;
  readonly seed?: number;
  /** Wall-clock budget of one callback, the process hop included (default 1000 ms). */
  readonly callBudgetMs?: number;
  /** Heap limit of the sandbox process in MB (default 128). */
  readonly memoryMb?: number;
  /** Longest start of the sandbox process (default 30 s). */
  readonly startBudgetMs?: number;
}

const int = z.number().int().finite();
const Order = z.object({
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop-market', 'stop-limit', 'take-profit', 'take-profit-limit', 'trailing-stop']),
  qty: int.positive(),
  price: int.positive().optional(),
  triggerPrice: int.positive().optional(),
  trail: z.union([z.object({ kind: z.literal('absolute'), ticks: int }).strict(), z.object({ kind: z.literal('percent'), bps: int }).strict()]).optional(),
  tif: z.enum(['GTC', 'IOC', 'FOK', 'GTD']).optional(),
  reduceOnly: z.boolean().optional(),
  postOnly: z.boolean().optional(),
  tag: z.string().max(64).optional(),
}).strict();
const Local = z.string().regex(/^s\d{1,12}$/);
const Intent = z.discriminatedUnion('op', [
  z.object({ op: z.literal('submit'), local: Local, req: Order }).strict(),
  z.object({ op: z.literal('cancel'), local: z.string().max(200) }).strict(),
  z.object({ op: z.literal('cancelAll') }).strict(),
]);
const Reply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), intents: z.array(Intent).max(10_000), logs: z.array(z.string().max(500)).max(1000), params: z.record(z.number()).optional() }).strict(),
  z.object({ ok: z.literal(false), message: z.string().max(2000) }).strict(),
]);

export class SandboxedStrategy implements Strategy {
  readonly id: string;
  readonly version: string | undefined;
  readonly logs: string[] = [];
  private readonly link: SandboxLink;
  private readonly source: string;
  private readonly opts: SandboxedStrategyOptions;
  private readonly budget: number;
  private loaded = false;
  /** Local order id (what the strategy holds) → the kernel's client order id, and back. */
  private readonly kernelId = new Map<string, string>();
  private readonly localId = new Map<string, string>();
  /** Local ids of orders the risk gate refused: they never existed, cancelling them is a no-op. */
  private readonly refused = new Set<string>();

  constructor(source: string, opts: SandboxedStrategyOptions) {
    prepareSource(source, opts.fileName); // syntax-level refusals (imports, no default export) before a process starts
    for (const [k, v] of Object.entries(opts.params ?? {})) if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`strategy parameter ${k} must be a finite number`, [{ path: `params.${k}`, message: 'not a finite number' }]);
    this.source = source;
    this.opts = opts;
    this.id = opts.id;
    this.version = opts.version;
    this.budget = opts.callBudgetMs ?? 1000;
    this.link = new SandboxLink({ memoryMb: opts.memoryMb ?? 128 });
  }

  /** Starts the process and loads the strategy: load errors (syntax, top level) surface here, not in the session. */
  async ready(): Promise<void> {
    await this.link.ready(this.opts.startBudgetMs ?? 30_000);
    this.load();
  }

  close(): void {
    this.link.close();
  }

  onStart(ctx: StrategyContext): void {
    this.load();
    this.exchange(ctx, { type: 'start', instrument: ctx.instrument, intervalMs: ctx.bars.intervalMs, history: history(ctx), ...snapshot(ctx) }, 'onStart');
  }

  onBar(ctx: StrategyContext): void {
    const i = ctx.i, b = ctx.bars;
    this.exchange(ctx, { type: 'bar', i, candle: { ts: b.ts[i]!, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]!, volume: b.volume[i]! }, ...snapshot(ctx) }, 'onCandle');
  }

  onFill(ctx: StrategyContext, f: Fill): void {
    const local = this.localId.get(f.clientOrderId);
    if (local === undefined) return; // not an order this strategy placed
    this.exchange(ctx, { type: 'fill', fill: { ...f, clientOrderId: local }, tag: ctx.engine.order(f.clientOrderId)?.tag ?? '', ...snapshot(ctx) }, 'onFill');
  }

  private load(): void {
    if (this.loaded) return;
    const o = this.opts;
    this.call({ type: 'load', source: this.source, fileName: o.fileName, id: o.id, ...(o.version !== undefined ? { version: o.version } : {}), params: o.params ?? {}, seed: o.seed ?? 1 }, Math.max(this.budget, 5000), 'loading the strategy');
    this.loaded = true;
  }

  private call(req: PaperRequest, budget: number, what: string): z.infer<typeof Reply> & { ok: true } {
    const raw = this.link.call(req, budget, what);
    const r = Reply.safeParse(raw);
    if (!r.success) {
      this.close();
      throw new StrategyError(`the strategy sandbox sent an invalid reply to ${what} (${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? 'invalid'}); the strategy was stopped`);
    }
    if (!r.data.ok) throw new StrategyError(r.data.message);
    for (const l of r.data.logs) if (this.logs.length < 1000) this.logs.push(l);
    return r.data;
  }

  private exchange(ctx: StrategyContext, req: PaperRequest, what: string): void {
    const reply = this.call(req, this.budget, what);
    for (const it of reply.intents) {
      if (it.op === 'submit') {
        if (this.kernelId.has(it.local) || this.refused.has(it.local)) throw new StrategyError(`order id ${it.local} used twice`);
        const o = ctx.submit(it.req as StrategyOrder);
        if (!o) this.refused.add(it.local);
        else {
          this.kernelId.set(it.local, o.clientOrderId);
          this.localId.set(o.clientOrderId, it.local);
        }
      } else if (it.op === 'cancel') {
        if (this.refused.has(it.local)) continue;
        const id = this.kernelId.get(it.local);
        if (id === undefined) throw new StrategyError(`cannot cancel ${it.local}: not an order of this strategy`);
        ctx.cancel(id);
      } else ctx.cancelAll();
    }
  }
}

/** Most bars of history a starting strategy gets (older ones read as NaN): ~2.4 MB, 35 days of 1m bars. */
const HISTORY_BARS = 50_000;

function history(ctx: StrategyContext): History {
  const count = Math.max(0, ctx.i + 1);
  const from = Math.max(0, count - HISTORY_BARS);
  const b = ctx.bars;
  return { from, count, ts: b.ts.slice(from, count), open: b.open.slice(from, count), high: b.high.slice(from, count), low: b.low.slice(from, count), close: b.close.slice(from, count), volume: b.volume.slice(from, count) };
}

function snapshot(ctx: StrategyContext): { now: number; position: number; equity: number } {
  return { now: ctx.engine.clock.now(), position: ctx.position, equity: ctx.equity };
}
