/**
 * `npm run bench -- live`. Submit → ack latency of a live order through Kestrel against the same request
 * sent by a bare ccxt call. Both use ccxt's real binance class with the same instant transport (a canned
 * Binance ack), so what differs is what Kestrel adds: the risk gate, the durable intent write (SQLite,
 * synchronous=FULL, its own commit), the hash-chained audit entries, the client-id mapping, the outcome
 * handling and the ack applied through the order state machine. Signing and parsing are ccxt's in both.
 *
 * Calls are interleaved one by one (ours, peer, ours, ...) after a warm-up; per-call hrtime; p50 and p99.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionAuditSink } from '../../main/core/audit/session.ts';
import { WallClock } from '../../main/core/engine/clock.ts';
import { Engine } from '../../main/core/engine/kernel.ts';
import { AdjustableRiskGate, DEFAULT_LIMITS } from '../../main/host/trading/risk.ts';
import { openLedger } from '../../main/storage/index.ts';
import { CcxtTrading, CcxtVenue } from '../../main/venues/ccxt/index.ts';
import { LiveVenue } from '../../main/venues/live/live-venue.ts';
import { generatedSymbols } from '../../main/venues/mock-exchange/index.ts';
import { exchangeInfo } from '../../main/venues/mock-exchange/wire.ts';
import { figure, ratio } from './harness.ts';

const N = 3_000;
const WARM = 300;
const symbols = generatedSymbols({ symbols: ['BTC/USDT'], days: 0.01, seed: 3 });
let orderId = 1;

function client(): CcxtVenue {
  const v = new CcxtVenue({ exchange: 'binance', apiKey: 'bench-key', secret: 'bench-secret', endpoints: { rest: 'http://127.0.0.1:9' }, rateLimit: { perSecond: 1e9, burst: 1e9 }, retry: { attempts: 1 } });
  (v.ex as unknown as { fetchImplementation: unknown }).fetchImplementation = async (url: string, init: { body?: string }) => {
    if (url.includes('/exchangeInfo')) return new Response(JSON.stringify(exchangeInfo(symbols, Date.now())), { status: 200, headers: { 'content-type': 'application/json' } });
    const q = new URLSearchParams(init.body ?? url.split('?')[1] ?? '');
    const now = Date.now();
    return new Response(JSON.stringify({ symbol: 'BTCUSDT', orderId: orderId++, orderListId: -1, clientOrderId: q.get('newClientOrderId'), transactTime: now, price: q.get('price'), origQty: q.get('quantity'), executedQty: '0', cummulativeQuoteQty: '0', status: 'NEW', timeInForce: 'GTC', type: 'LIMIT', side: 'BUY', workingTime: now, fills: [] }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return v;
}

const dir = mkdtempSync(join(tmpdir(), 'kestrel-bench-live-'));
const peer = client();
await peer.loadInstruments();
const last = 42_000;

/** A kernel on its own ledger and ccxt client; `durable: false` turns fsync off (what the CPU costs alone). */
async function rig(name: string, durable: boolean) {
  const ledger = openLedger(join(dir, `${name}.db`));
  if (!durable) ledger.db.pragma('synchronous = OFF');
  const conn = client();
  const inst = (await conn.loadInstruments()).get('BTC/USDT')!;
  // Venue events enter in one ledger batch, as the session delivers them (live-session.ts).
  const venue = new LiveVenue({ id: 'bench', api: new CcxtTrading(conn), instruments: [inst], deliver: (fn) => ledger.ledger.batch(fn) });
  const audit = new SessionAuditSink(ledger.audit, { sessionId: name, kind: 'live', account: 'bench' });
  const engine = new Engine({ instruments: [inst], venue, portfolio: { baseCurrency: 'USDT', cash: { USDT: '1000000000' } }, clock: new WallClock(), store: ledger.ledger.storeFor({ accountId: 'bench', sessionId: name }), audit, risk: new AdjustableRiskGate({ ...DEFAULT_LIMITS, maxOpenOrders: 1_000_000, maxOrderNotional: null }), sessionId: name });
  engine.onTrade({ symbol: 'BTC/USDT', ts: Date.now(), price: last, qty: 1 });
  const price = Math.round((last * 0.99) / inst.tickF);
  const qty = Math.round(0.001 / inst.lotF);
  let pending: { id: string; done: () => void } | undefined;
  engine.bus.on('order', ({ event, order }) => {
    if (event === 'accepted' && pending && order.clientOrderId === pending.id) pending.done();
  });
  return {
    engine, ledger, inst, price,
    async submit(): Promise<number> {
      const t0 = performance.now();
      const acked = new Promise<void>((resolve) => {
        pending = { id: '', done: resolve };
      });
      // As the session runs a command: one ledger batch (the intent is committed before the send).
      const o = ledger.ledger.batch(() => engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty, price }));
      pending!.id = o.clientOrderId;
      if (o.state !== 'accepted') await acked;
      return performance.now() - t0;
    },
  };
}
const durable = await rig('durable', true);
const cpu = await rig('cpu', false);
const { inst, price } = durable;

let n = 0;
async function bare(): Promise<number> {
  const t0 = performance.now();
  const r = await peer.ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, (price * inst.tickF), { clientOrderId: `P-${++n}` });
  if (r.status !== 'open') throw new Error('peer: unexpected reply');
  return performance.now() - t0;
}

const a: number[] = [];
const c: number[] = [];
const b: number[] = [];
for (let i = 0; i < WARM + N; i++) {
  const x = await durable.submit();
  const z = await cpu.submit();
  const y = await bare();
  if (i >= WARM) {
    a.push(x);
    c.push(z);
    b.push(y);
  }
}
const q = (xs: number[], p: number) => [...xs].sort((u, v) => u - v)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
for (const r of [durable, cpu]) if (r.engine.openOrders().length !== WARM + N) throw new Error(`expected ${WARM + N} working orders, got ${r.engine.openOrders().length}`);
figure('live submit→ack p50 (bare ccxt)', q(b, 0.5), 'ms');
figure('live submit→ack p50 (Kestrel, durable intent)', q(a, 0.5), 'ms');
figure('live added by Kestrel p50 (durable intent: one fsync on this disk)', q(a, 0.5) - q(b, 0.5), 'ms');
figure('live added by Kestrel p99 (durable intent)', q(a, 0.99) - q(b, 0.99), 'ms');
figure('live added by Kestrel p50 (fsync excluded: risk + intent + audit chain + mapping)', q(c, 0.5) - q(b, 0.5), 'ms');
figure('live added by Kestrel p99 (fsync excluded)', q(c, 0.99) - q(b, 0.99), 'ms');
ratio('live submit→ack p99', 'bare ccxt', q(a, 0.99), q(b, 0.99), 'ms', false);
durable.ledger.db.close();
cpu.ledger.db.close();
rmSync(dir, { recursive: true, force: true });
