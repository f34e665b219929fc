/**
 * `npm run bench -- live`. Submit → ack latency of a live order through Kestrel against the same request
 * sent by a bare ccxt call. Both use ccxt's real binance class with the same instant transport (a canned
 * Binance ack), so what differs is what Kestrel adds: the risk gate, the intent write (its own commit),
 * the hash-chained audit entries, the client-id mapping, the outcome handling and the ack applied through
 * the order state machine. Signing and parsing are ccxt's in both. Three ledgers on the machine's temp dir
 * (a disk), one per durability (main/storage/README.md, "Durability of the ledger"):
 *   process  the default: the send goes once the intent is committed (WAL, synchronous=NORMAL; survives a
 *            process kill), the WAL is fsynced in the background (group commit)
 *   disk     the send waits for the group fsync covering the intent (survives a power cut)
 *   fsync    before group commit: synchronous=FULL, an fsync inside every commit on the event loop
 *
 * Calls are interleaved one by one (each rig, then the peer, ...) after a warm-up; per-call hrtime; p50 and p99.
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
import { figure, fmt, ratio, runQueueMs } from './harness.ts';

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

/** A kernel on its own ledger and ccxt client. */
async function rig(name: 'process' | 'disk' | 'fsync') {
  const ledger = openLedger(join(dir, `${name}.db`), { durability: name === 'disk' ? 'disk' : 'process' });
  if (name === 'fsync') ledger.db.pragma('synchronous = FULL');
  const conn = client();
  const inst = (await conn.loadInstruments()).get('BTC/USDT')!;
  // Venue events enter in one ledger batch, as the session delivers them; the send waits as live-session.ts says.
  const venue = new LiveVenue({
    id: 'bench', api: new CcxtTrading(conn), instruments: [inst], deliver: (fn) => ledger.ledger.batch(fn),
    ...(ledger.ledger.durability === 'disk' ? { beforeSend: () => ledger.ledger.intentDurable() } : {}),
  });
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
const rigs = [await rig('process'), await rig('disk'), await rig('fsync')];
const { inst, price } = rigs[0]!;

let n = 0;
async function bare(): Promise<number> {
  const t0 = performance.now();
  const r = await peer.ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, (price * inst.tickF), { clientOrderId: `P-${++n}` });
  if (r.status !== 'open') throw new Error('peer: unexpected reply');
  return performance.now() - t0;
}

const ours: number[][] = rigs.map(() => []);
const b: number[] = [];
// The same calls without the time the OS kept this thread waiting for a CPU (harness.ts, runQueueMs).
const ownOurs: number[][] = rigs.map(() => []);
const ownB: number[] = [];
const timed = async (call: () => Promise<number>): Promise<[number, number]> => {
  const w0 = runQueueMs();
  const ms = await call();
  return [ms, ms - (runQueueMs() - w0)];
};
for (let i = 0; i < WARM + N; i++) {
  const xs: [number, number][] = [];
  for (const r of rigs) xs.push(await timed(() => r.submit()));
  const y = await timed(bare);
  if (i >= WARM) {
    xs.forEach(([x, own], k) => {
      ours[k]!.push(x);
      ownOurs[k]!.push(own);
    });
    b.push(y[0]);
    ownB.push(y[1]);
  }
}
const q = (xs: number[], p: number) => [...xs].sort((u, v) => u - v)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
for (const r of rigs) if (r.engine.openOrders().length !== WARM + N) throw new Error(`expected ${WARM + N} working orders, got ${r.engine.openOrders().length}`);
const [proc, disk, fsync] = ours as [number[], number[], number[]];
figure('live submit→ack p50 (bare ccxt)', q(b, 0.5), 'ms');
figure('live added by Kestrel p50 (process durability: intent committed before the send, group fsync after)', q(proc, 0.5) - q(b, 0.5), 'ms');
figure('live added by Kestrel p99 (process durability)', q(proc, 0.99) - q(b, 0.99), 'ms');
figure('live added by Kestrel p50 (disk durability: the send waits for the group fsync)', q(disk, 0.5) - q(b, 0.5), 'ms');
figure('live added by Kestrel p99 (disk durability)', q(disk, 0.99) - q(b, 0.99), 'ms');
figure('live added by Kestrel p50 (before group commit: an fsync inside every commit)', q(fsync, 0.5) - q(b, 0.5), 'ms');
figure('live added by Kestrel p99 (before group commit)', q(fsync, 0.99) - q(b, 0.99), 'ms');
if (runQueueMs() > 0) {
  figure('live added by Kestrel p50 without run-queue waits (process durability)', q(ownOurs[0]!, 0.5) - q(ownB, 0.5), 'ms (the time the OS kept the thread off a CPU, subtracted)');
  figure('live added by Kestrel p99 without run-queue waits (process durability)', q(ownOurs[0]!, 0.99) - q(ownB, 0.99), `ms (ours p99 ${fmt(q(ownOurs[0]!, 0.99))} ms, bare ccxt p99 ${fmt(q(ownB, 0.99))} ms)`);
}
ratio('live submit→ack p99, disk durability', 'fsync inside every commit (before group commit)', q(disk, 0.99), q(fsync, 0.99), 'ms', false);
ratio('live submit→ack p99, process durability', 'bare ccxt', q(proc, 0.99), q(b, 0.99), 'ms', false);
for (const r of rigs) r.ledger.db.close();
rmSync(dir, { recursive: true, force: true });
