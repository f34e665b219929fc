/**
 * Audit events hold the kernel's integers (prices in ticks, quantities in lots, money in atto-units). A person
 * reads prices, quantities and money in the instrument's units: this turns them back using the instruments each
 * session declared in its session-start event, and writes the one-line summaries the audit log, its CSVs and the
 * HTML report show. Raw values stay in the exports next to these, labelled as such.
 */
import type { RecordedEvent } from '../../core/audit/replay.ts';
import { defineInstrument, money as parseMoney, moneyToString, type Instrument, type InstrumentSpec } from '../../core/model/index.ts';

type P = Record<string, unknown>;

/** Currencies whose amounts read in cents; anything else (BTC, ETH, …) keeps eight decimals. */
const CENTS = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'DAI', 'EUR', 'GBP', 'CHF', 'AUD', 'CAD']);

export function moneyDecimals(currency: string | undefined): number {
  return currency && !CENTS.has(currency.toUpperCase()) ? 8 : 2;
}

/** Thousands separators on the integer part of a plain decimal string. */
export function group(s: string): string {
  const neg = s.startsWith('-');
  const [int = '0', frac] = (neg ? s.slice(1) : s).split('.');
  return `${neg ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac !== undefined ? `.${frac}` : ''}`;
}

const toBig = (v: unknown): bigint | null => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return null;
};

/** Decimals of a grid step (0.01 → 2, 0.00001 → 5). */
const stepDecimals = (step: bigint): number => {
  const s = moneyToString(step);
  return s.includes('.') ? s.split('.')[1]!.length : 0;
};

export class AuditUnits {
  private readonly bySession = new Map<string, Map<string, Instrument>>();
  private readonly bySymbol = new Map<string, Instrument>();

  /** Learns the instruments of every session-start among `events`. */
  static of(events: Iterable<RecordedEvent>): AuditUnits {
    const u = new AuditUnits();
    for (const e of events) if (e.type === 'session-start') u.learn(e);
    return u;
  }

  learn(e: RecordedEvent): void {
    const specs = ((e.payload as P).config as { instruments?: unknown } | undefined)?.instruments;
    if (!Array.isArray(specs)) return;
    const m = new Map<string, Instrument>();
    for (const s of specs as InstrumentSpec[]) {
      try {
        const inst = defineInstrument(s);
        m.set(inst.symbol, inst);
        this.bySymbol.set(inst.symbol, inst);
      } catch {
        // A malformed spec in an old log: its values stay raw (and say so) rather than failing the whole view.
      }
    }
    if (e.session) this.bySession.set(e.session, m);
  }

  instrument(symbol: unknown, session?: string): Instrument | undefined {
    if (typeof symbol !== 'string') return undefined;
    return (session ? this.bySession.get(session)?.get(symbol) : undefined) ?? this.bySymbol.get(symbol);
  }

  /** Ticks → price at the tick's precision ("49500.00"); undefined when the instrument is unknown. */
  price(inst: Instrument | undefined, ticks: unknown): string | undefined {
    const t = toBig(ticks);
    if (!inst || t === null) return undefined;
    return moneyToString(t * inst.tick, stepDecimals(inst.tick));
  }

  /** Lots → quantity in the base currency ("0.01"), trailing zeros trimmed. */
  qty(inst: Instrument | undefined, lots: unknown): string | undefined {
    const l = toBig(lots);
    if (!inst || l === null) return undefined;
    return moneyToString(l * inst.lot);
  }

  /** A decimal string or float → money rounded to the currency's decimals (a bigint is taken as atto-units). */
  money(v: unknown, currency: string | undefined): string | undefined {
    const dp = moneyDecimals(currency);
    if (typeof v === 'bigint') return moneyToString(v, dp);
    if (typeof v === 'number') return Number.isFinite(v) ? v.toFixed(dp) : undefined;
    if (typeof v !== 'string' || !/^-?\d+(\.\d{1,18})?$/.test(v)) return undefined;
    return moneyToString(parseMoney(v), dp);
  }

  /** Atto-units as the kernel records fees (an integer string) → money rounded to the currency's decimals. */
  atto(v: unknown, currency: string | undefined): string | undefined {
    const a = toBig(v);
    return a === null ? this.money(v, currency) : moneyToString(a, moneyDecimals(currency));
  }

  /** One line a person reads: prices, quantities and money in the instrument's units. */
  describe(e: RecordedEvent): string {
    const p = e.payload as P;
    const sym = (x: P) => (x.symbol as string | undefined) ?? e.symbol;
    const inst = (x: P) => this.instrument(sym(x), e.session);
    const px = (x: P, k: string) => {
      const v = this.price(inst(x), x[k]);
      return v === undefined ? (x[k] === undefined ? undefined : `${String(x[k])} ticks`) : group(v);
    };
    const q = (x: P, k = 'qty') => {
      const i = inst(x);
      const v = this.qty(i, x[k]);
      return v === undefined ? `${String(x[k] ?? '?')} lots` : `${v} ${i!.base}`;
    };
    const quote = (x: P) => inst(x)?.quote;
    switch (e.type) {
      case 'order': {
        const o = (p.order ?? {}) as P;
        const price = px(o, 'price');
        const trig = px(o, 'triggerPrice');
        return [p.event, o.side, o.type, q(o), price && `@ ${price}`, trig && `trigger ${trig}`, o.state && `→ ${String(o.state)}`, o.reason && `(${String(o.reason)})`].filter(Boolean).join(' ');
      }
      case 'fill': {
        const f = (p.fill ?? {}) as P;
        const ccy = (f.feeCurrency as string | undefined) ?? quote(f);
        const fee = this.atto(f.fee, ccy);
        return [f.side, q(f), `@ ${px(f, 'price') ?? '?'}`, fee !== undefined && `fee ${group(fee)} ${ccy ?? ''}`.trim(), f.liquidity && `(${String(f.liquidity)})`].filter(Boolean).join(' ');
      }
      case 'risk-verdict': {
        const r = (p.request ?? {}) as P;
        const what = [r.side, r.type, r.qty !== undefined && q(r), r.price !== undefined && `@ ${px(r, 'price')}`, r.triggerPrice !== undefined && `trigger ${px(r, 'triggerPrice')}`].filter(Boolean).join(' ');
        const reasons = [...((p.reasons as P[] | undefined) ?? []), ...((p.issues as P[] | undefined) ?? [])].map((x) => String(x.message)).join('; ');
        return `${p.ok === false ? 'REJECTED' : 'approved'}${p.stage === 'preview' ? ' at preview' : ''} ${what}${reasons ? `: ${reasons}` : ''}`.trim();
      }
      case 'bar': {
        const i = this.instrument(e.symbol, e.session);
        const f = (k: string) => (typeof p[k] === 'number' ? group((p[k] as number).toFixed(i ? stepDecimals(i.tick) : 2)) : '?');
        const eq = this.money(p.equity, i?.quote);
        return `O ${f('open')} H ${f('high')} L ${f('low')} C ${f('close')}${eq !== undefined ? ` · equity ${group(eq)} ${i?.quote ?? ''}`.trimEnd() : ''}`;
      }
      case 'signal':
        return [p.strategy, p.name, this.inputs(p.inputs, e)].filter(Boolean).join(' ');
      case 'trading-state':
        return `trading ${String(p.from ?? '?')} → ${String(p.to ?? '?')}${p.reason ? ` (${String(p.reason)})` : ''}`;
      case 'session-start': {
        const c = (p.config ?? {}) as { strategy?: { id?: string; version?: string }; data?: { symbol?: string; timeframe?: string; feed?: string }; portfolio?: { cash?: Record<string, string> }; instruments?: InstrumentSpec[] };
        const cash = Object.entries(c.portfolio?.cash ?? {}).map(([k, v]) => `${group(this.money(v, k) ?? String(v))} ${k}`).join(', ');
        const syms = c.data?.symbol ?? c.instruments?.map((x) => x.symbol).join(', ');
        return [c.data?.feed === 'demo' || c.data?.feed === 'prints' ? 'paper session' : 'backtest', c.strategy?.id && `strategy ${c.strategy.id}${c.strategy.version ? ` v${c.strategy.version.slice(0, 8)}` : ''}`, syms && `on ${syms}`, c.data?.timeframe, cash && `cash ${cash}`].filter(Boolean).join(' · ');
      }
      case 'session-stop':
        return `stopped: ${String(p.reason ?? '')}`;
      case 'prints':
        return `${Array.isArray(p.prints) ? p.prints.length : 0} trade prints seen`;
      case 'config-change':
        return `${String(p.what ?? 'config')}: ${short(p.from)} → ${short(p.to)}${p.by ? ` by ${String(p.by)}` : ''}`;
      case 'override':
        return [p.action ?? p.refused, p.code, p.reason ?? p.message, p.by && `by ${String(p.by)}`].filter(Boolean).map(String).join(' · ');
      default:
        return short(p);
    }
  }

  /** A signal's inputs: kernel integers named like prices, positions and times read in their units. */
  private inputs(v: unknown, e: RecordedEvent): string {
    if (!v || typeof v !== 'object') return '';
    const inst = this.instrument(e.symbol, e.session);
    return Object.entries(v as P)
      .map(([k, x]) => {
        if (/price$/i.test(k) && Number.isInteger(x)) return `${k} ${group(this.price(inst, x) ?? String(x))}`;
        if ((k === 'position' || k === 'qty') && Number.isInteger(x)) return `${k} ${this.qty(inst, x) ?? String(x)}${inst ? ` ${inst.base}` : ''}`;
        if (/Ts$/.test(k) && typeof x === 'number') return `${k} ${new Date(x).toISOString()}`;
        if (k === 'request' && x && typeof x === 'object') {
          const r = x as P;
          const i = this.instrument(r.symbol ?? e.symbol, e.session);
          return `order ${[r.side, r.type, i ? `${this.qty(i, r.qty)} ${i.base}` : `${String(r.qty)} lots`, r.price !== undefined && `@ ${group(this.price(i, r.price) ?? String(r.price))}`].filter(Boolean).join(' ')}`;
        }
        return `${k} ${typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(4)) : short(x)}`;
      })
      .join(', ');
  }
}


function short(v: unknown): string {
  if (v === null || v === undefined) return '—';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
