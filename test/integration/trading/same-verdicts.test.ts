/**
 * One risk scenario, three modes: a backtest, a paper session and a live (sim) account on Kestrel Sim, all
 * gated by the same settings profile, must give the same verdict to every order — the same orders accepted,
 * the same orders refused, by the same rules. Sizes are fractions of each mode's equity at its own price, so
 * the verdicts depend on the rules and not on where each market happens to trade.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { SettingsDocument, SETTINGS_VERSION } from '../../../main/contract/settings.ts';
import type { StrategyContext } from '../../../main/core/engine/strategy.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { newBookProfile } from '../../../main/host/settings/account-risk.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { KESTREL_SIM_SYMBOLS } from '../../../main/host/venues/kestrel-sim.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { runBacktest } from '../../../workers/backtest/backtester.ts';
import { native } from '../backtest/helpers.ts';
import { failure, lastPrice, until } from './support.ts';

/** Per-order part and account-wide part of one settings profile; every price- or time-driven monitor off. */
const SCENARIO_PROFILE = {
  name: 'Scenario',
  limits: { maxOrderNotional: null, maxPositionNotional: null, maxPositionPctEquity: '10', maxOpenOrders: null, priceBandBps: null },
  account: { maxOpenPositions: 2, maxDailyLossPct: null, drawdownAlertPct: null, drawdownHaltPct: null, blackSwan: null, maxLeverage: 1, checkBuyingPower: true },
};

interface Step {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Order notional as a percentage of equity; absent = the whole position (a closing sell). */
  readonly pct?: number;
}

const STEPS: readonly Step[] = [
  { symbol: 'BTC/USDT', side: 'buy', pct: 5 },
  { symbol: 'BTC/USDT', side: 'buy', pct: 8 },
  { symbol: 'ETH/USDT', side: 'buy', pct: 5 },
  { symbol: 'SOL/USDT', side: 'buy', pct: 5 },
  { symbol: 'BTC/USDT', side: 'sell' },
  { symbol: 'SOL/USDT', side: 'buy', pct: 5 },
  { symbol: 'ETH/USDT', side: 'buy', pct: 150 },
];

/**
 * Worked by hand: 5 % + 8 % = 13 % of equity in BTC > 10 %; a third position > 2; ETH at 155 % of equity is
 * over the position cap, over leverage 1 (gross ≈ 1.6 × equity) and more than the free cash can pay.
 */
const EXPECTED: readonly (readonly string[])[] = [
  [],
  ['max_position_pct_equity'],
  [],
  ['max_open_positions'],
  [],
  [],
  ['buying_power', 'max_leverage', 'max_position_pct_equity'],
];

/** A verdict: the sorted rules that refused the order ([] = accepted). */
type Verdict = readonly string[];

const lotsFor = (pct: number, equity: number, price: number, lot: number): number => Math.floor((equity * pct) / 100 / price / lot);
const rules = (reasons: readonly { rule: string }[]): Verdict => [...new Set(reasons.map((r) => r.rule))].sort();

const SIM_ACCOUNT = 'sim1';
const SIM_NAME = 'Sim One';
const SETTINGS = {
  version: SETTINGS_VERSION,
  riskProfiles: { default: { name: 'Default', limits: SCENARIO_PROFILE.limits }, scenario: SCENARIO_PROFILE },
  accounts: [
    { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'scenario', credentials: null },
    { id: SIM_ACCOUNT, name: SIM_NAME, venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'scenario', credentials: null },
  ],
};

function backtestVerdicts(): Verdict[] {
  const profile = newBookProfile(SettingsDocument.parse(SETTINGS), 'demo');
  const specs = { 'BTC/USDT': [42_000, '0.00001'], 'ETH/USDT': [2_300, '0.0001'], 'SOL/USDT': [100, '0.01'] } as const;
  const symbols = Object.keys(specs) as (keyof typeof specs)[];
  const n = STEPS.length * 2 + 2;
  const datasets = symbols.map((s) => {
    const p = specs[s][0];
    const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
    // A gently rising market: positions gain a little, nothing crosses a price- or loss-driven monitor.
    const close = (i: number) => p * (1 + i / 10_000);
    return { symbol: s, source: 'scenario', columns: { ts: col((i) => Date.UTC(2024, 0, 1) + i * 60_000), open: col(close), high: col((i) => close(i) * 1.0001), low: col((i) => close(i) * 0.9999), close: col(close), volume: col(() => 1_000) } };
  });
  const accepted: boolean[] = [];
  const strategy = native(() => ({
    id: 'scenario',
    // One step every other bar: a market order fills at the next bar's open, before the next step.
    onBar(ctx: StrategyContext) {
      if (ctx.i % 2 !== 0) return;
      const k = ctx.i / 2;
      const step = STEPS[k];
      if (!step || step.symbol !== ctx.symbol) return;
      const qty = step.pct === undefined ? ctx.position : lotsFor(step.pct, ctx.equity, ctx.close(), ctx.instrument.lotF);
      accepted[k] = (step.side === 'buy' ? ctx.buy(qty, `step-${k}`) : ctx.sell(qty, `step-${k}`)) !== undefined;
    },
  }));
  const r = runBacktest({
    config: {
      symbols, timeframe: '1m', currency: 'USDT', initialCash: '10000', fees: { maker: '0.0002', taker: '0.0005' }, riskProfile: profile,
      instruments: Object.fromEntries(symbols.map((s) => [s, { tickSize: '0.01', lotSize: specs[s][1] }])),
    },
    strategy, datasets,
  });
  expect(accepted).toHaveLength(STEPS.length);
  // Refusals are listed in order: the k-th refused step is the k-th refusal.
  const refusals = [...r.risk!.refusals];
  return accepted.map((ok) => (ok ? [] : rules(refusals.shift()!.reasons)));
}

describe('one risk scenario gives the same verdicts in backtest, paper and live (Kestrel Sim)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-verdicts-'));
  let sim: MockExchange;
  let host: Host;
  let c: KestrelClient;

  beforeAll(async () => {
    sim = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2 }), streamIntervalMs: 20, seed: 21 });
    const s = SettingsStore.open(dir);
    s.set('riskProfiles', SETTINGS.riskProfiles);
    s.set('accounts', SETTINGS.accounts);
    host = await createHost({ mode: 'memory', dataDir: dir, env: { KESTREL_SIM_URL: sim.baseUrl, KESTREL_FEED_TICK_MS: '10', KESTREL_FEED_CYCLE_MS: '1000', KESTREL_FEED_SWING_BPS: '20' } });
    c = createClient(connectInMemory(host.server));
  });
  afterAll(async () => {
    c?.close();
    await host?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the steps through the ticket of `account`, waiting for each accepted order's fill. */
  async function sessionVerdicts(account: string): Promise<Verdict[]> {
    const lots = new Map((await c.call('trading.instruments', { account })).instruments.map((i) => [i.symbol, Number(i.lotSize)]));
    const out: Verdict[] = [];
    for (const step of STEPS) {
      const lot = lots.get(step.symbol)!;
      let qty: string;
      if (step.pct === undefined) {
        qty = (await c.call('trading.positions', { account })).positions.find((p) => p.symbol === step.symbol)!.qty;
      } else {
        const equity = Number((await c.call('trading.account', { account })).equity);
        const price = Number(await lastPrice(c, step.symbol));
        const decimals = Math.max(0, Math.round(-Math.log10(lot)));
        qty = (lotsFor(step.pct, equity, price, lot) * lot).toFixed(decimals);
      }
      try {
        const [o] = (await c.call('trading.submit', { account, symbol: step.symbol, side: step.side, type: 'market', qty })).orders;
        await until(`step ${out.length} to fill`, async () => (await c.call('trading.orderHistory', { account })).orders.some((x) => x.clientOrderId === o!.clientOrderId && x.state === 'filled'), 60_000);
        out.push([]);
      } catch (e) {
        const err = await failure(Promise.reject(e));
        expect(err.code).toBe('risk_rejected');
        out.push(rules((err.details as { reasons: { rule: string }[] }).reasons));
      }
    }
    return out;
  }

  it('the backtest gives the hand-worked verdicts', () => {
    expect(backtestVerdicts()).toEqual(EXPECTED);
  });

  it('a paper session of an account with the profile gives the same verdicts', async () => {
    await c.call('accounts.select', { account: 'demo' });
    const paper = await sessionVerdicts('demo');
    expect(paper).toEqual(backtestVerdicts());
  }, 180_000);

  it('a live account on Kestrel Sim with the profile gives the same verdicts', async () => {
    await c.call('accounts.select', { account: SIM_ACCOUNT });
    const settled = () => until('reconciliation', async () => {
      const st = await c.call('live.reconcile', { account: SIM_ACCOUNT });
      return st.gate !== 'checking' && st.gate !== 'pending' && st.lastError === null ? st : undefined;
    }, 60_000);
    // Kestrel Sim funds the account with every base asset too: acknowledged, they are not positions of the book.
    let st = await settled();
    for (const d of st.discrepancies) st = await c.call('live.resolve', { account: SIM_ACCOUNT, id: d.id, action: 'acknowledge' });
    expect(st.gate).toBe('clear');
    await c.call('live.arm', { account: SIM_ACCOUNT, confirm: SIM_NAME });
    const live = await sessionVerdicts(SIM_ACCOUNT);
    expect(live).toEqual(backtestVerdicts());
  }, 180_000);
});
