/**
 * `npm run bench -- paper`. Method: ../shared/PERFORMANCE.md via harness.ts. Ratio lines last.
 *
 * 1. Paper OMS, the whole order path: risk gate → OMS → intent persisted → paper venue (book model) →
 *    fill persisted + position snapshot → audit chain, in a real SQLite ledger, 2,000 market orders per
 *    round filled against a 20-level book (one book update per order). Ledger writes are group-committed
 *    per market batch of 1,000 orders, intents included, as the paper desk stores them (its venue is in
 *    the process: main/storage/README.md, "Durability of the ledger"). Peer: the same path with every
 *    ledger write its own commit. The ledger is on the machine's temp dir (a disk): commits no longer fsync
 *    on the event loop (the WAL is synced in the background). Floor asked by issue 18: 50,000 orders/s.
 *    Where the time goes and why the chain keeps a hash per entry: main/core/audit/README.md, "Hashing and speed".
 *    Printed beside it, the kernel alone on the same orders (`oms-kernel`): no ledger (a store that keeps
 *    nothing) and an enabled audit sink that drops what it is given, so every event is still built. It is the
 *    part of the 20 µs per order that main/core and main/venues/paper spend.
 * 2. Fill model: 200,000 book deltas of a 20-level book against 40 resting limits in their queues and
 *    a taker every 100 updates, through PaperVenue.onBook. Peer: the v0 book pass (before the queue model):
 *    levels kept as Map<float, float>, best found by scan, both sides copied and sorted per update while
 *    orders work. Floor asked by issue 18: 200,000 updates/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, SimClock } from '../../main/core/engine/index.ts';
import { SessionAuditSink } from '../../main/core/audit/session.ts';
import { defineInstrument, type Order, type OrderBookUpdate } from '../../main/core/model/index.ts';
import type { AuditSink, Store } from '../../main/core/ports.ts';
import { LimitsRiskGate } from '../../main/core/risk/gate.ts';
import { PaperVenue } from '../../main/venues/paper/paper-venue.ts';
import { openLedger } from '../../main/storage/index.ts';
import { figure, interleaved, ratio } from './harness.ts';

const inst = defineInstrument({ symbol: 'BTC/USDT:USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'perpetual', tickSize: '0.1', lotSize: '0.001', makerFee: '0.0002', takerFee: '0.0005', maxLeverage: 100 });
const S = inst.symbol;
const dir = mkdtempSync(join(tmpdir(), 'kestrel-paper-bench-'));
const ledger = openLedger(join(dir, 'ledger.db'));
let run = 0;

function book(ts: number, mid: number): OrderBookUpdate {
  const bids: [number, number][] = [];
  const asks: [number, number][] = [];
  for (let i = 0; i < 20; i++) {
    bids.push([(mid - 1 - i) / 10, 5]);
    asks.push([(mid + 1 + i) / 10, 5]);
  }
  return { kind: 'snapshot', symbol: S, ts, bids, asks };
}

// ---- 1. the OMS path --------------------------------------------------------------------------------------
const N = 2_000;
/** The kernel-only case's ports: an enabled sink (events are built) and a store, both keeping nothing. */
const dropAudit: AuditSink = { append: () => undefined };
const dropStore: Store = { recordIntent: () => undefined, recordOrderUpdate: () => undefined, recordFill: () => true };

function omsRound(perWriteCommit: boolean, kernelOnly = false): number {
  const sessionId = `B${++run}`;
  const clock = new SimClock(0);
  const venue = new PaperVenue({ id: sessionId, instruments: [inst], clock });
  const audit = kernelOnly ? dropAudit : new SessionAuditSink(ledger.audit, { sessionId, kind: 'paper', account: 'bench' });
  const engine = new Engine({
    instruments: [inst], venue, clock, audit, sessionId, store: kernelOnly ? dropStore : ledger.ledger.storeFor({ accountId: 'bench', sessionId }, { intents: 'batch' }),
    risk: new LimitsRiskGate({ maxOrderNotional: '1000000000', maxOpenOrders: 100, priceBandBps: 1000 }),
    portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000000' }, leverage: { [S]: 10 } },
  });
  engine.onBook(book(0, 1_000_000));
  engine.onTrade({ symbol: S, ts: 0, price: 100_000, qty: 1 }); // a last price for the risk gate's band
  const delta = (ts: number): OrderBookUpdate => ({ kind: 'delta', symbol: S, ts, bids: [[99_999.9, 5]], asks: [] });
  const one = (k: number): void => {
    engine.submit({ symbol: S, side: k % 2 === 0 ? 'buy' : 'sell', type: 'market', qty: 1 });
    engine.onBook(delta(k + 1));
  };
  if (perWriteCommit || kernelOnly) for (let k = 0; k < N; k++) one(k);
  else for (let b = 0; b < N; b += 1000) ledger.ledger.batch(() => { for (let k = b; k < b + 1000; k++) one(k); });
  const fills = engine.portfolio.fills().length;
  if (fills !== N) throw new Error(`expected ${N} fills, got ${fills}`);
  return fills;
}

// ---- 2. the fill model ------------------------------------------------------------------------------------
const U = 200_000;
const updates: OrderBookUpdate[] = [];
for (let k = 0; k < U; k++) {
  const side = k % 2 === 0;
  const lvl = 1 + (k % 20);
  const q = ((k * 7919) % 50) / 10;
  const p = (side ? 1_000_000 - lvl : 1_000_000 + lvl) / 10;
  updates.push({ kind: 'delta', symbol: S, ts: k + 1, bids: side ? [[p, q]] : [], asks: side ? [] : [[p, q]] });
}

function ours(): number {
  const clock = new SimClock(0);
  const venue = new PaperVenue({ instruments: [inst], clock });
  let fills = 0;
  venue.connect({ onVenueEvent: (e) => void (e.kind === 'fill' && fills++) });
  venue.onBook(book(0, 1_000_000));
  let id = 0;
  const order = (side: 'buy' | 'sell', type: 'limit' | 'market', price?: number): void => {
    const o = { clientOrderId: `o${++id}`, symbol: S, side, type, qty: 2, filledQty: 0, price, tif: 'GTC' } as unknown as Order;
    venue.submit(o);
  };
  for (let i = 0; i < 20; i++) {
    order('buy', 'limit', 1_000_000 - 1 - i);
    order('sell', 'limit', 1_000_000 + 1 + i);
  }
  for (let k = 0; k < U; k++) {
    if (k % 100 === 0) order(k % 200 === 0 ? 'buy' : 'sell', 'market');
    venue.onBook(updates[k]!);
  }
  return fills + venue.workingCount;
}

/** The v0 book pass: float Maps, a best scan, and both sides copied and sorted per update while orders work. */
function peer(): number {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  let acc = 0;
  const apply = (u: OrderBookUpdate): void => {
    if (u.kind === 'snapshot') { bids.clear(); asks.clear(); }
    for (const [p, q] of u.bids) if (q > 0) bids.set(p, q); else bids.delete(p);
    for (const [p, q] of u.asks) if (q > 0) asks.set(p, q); else asks.delete(p);
  };
  const best = (m: Map<number, number>, hi: boolean): number => {
    let b = NaN;
    for (const p of m.keys()) if (Number.isNaN(b) || (hi ? p > b : p < b)) b = p;
    return b;
  };
  apply(book(0, 1_000_000));
  for (let k = 0; k < U; k++) {
    apply(updates[k]!);
    const bb = best(bids, true);
    const ba = best(asks, false);
    const lb = [...bids].map(([p, q]) => [p, q] as [number, number]).sort((a, b) => b[0] - a[0]);
    const la = [...asks].map(([p, q]) => [p, q] as [number, number]).sort((a, b) => a[0] - b[0]);
    acc += bb - ba + lb.length + la.length;
  }
  return acc;
}

const r = await interleaved([
  { name: 'oms', run: () => omsRound(false) },
  { name: 'oms-per-write-commit', run: () => omsRound(true) },
  { name: 'oms-kernel', run: () => omsRound(false, true) },
  { name: 'fills', run: ours },
  { name: 'fills-v0', run: peer },
], { rounds: 7, warmup: 2 });
ledger.db.close();
rmSync(dir, { recursive: true, force: true });

const rate = (name: string, n: number): number => n / (r.get(name)!.medianMs / 1000);
const oms = rate('oms', N);
const omsPeer = rate('oms-per-write-commit', N);
const upd = rate('fills', U);
const updPeer = rate('fills-v0', U);
figure('paper oms vs issue floor 50,000 orders/s', oms / 50_000, 'x');
figure('paper oms kernel only (no ledger, audit events built and dropped)', 1e6 / rate('oms-kernel', N), 'µs/order');
figure('paper fill model vs issue floor 200,000 updates/s', upd / 200_000, 'x');
ratio('paper oms (risk+match+persist+audit)', 'a commit per ledger write', oms, omsPeer, 'orders/s', true);
ratio('paper fill model (book updates, 40 queued orders)', 'v0 book pass (sorted copies per update)', upd, updPeer, 'updates/s', true);
