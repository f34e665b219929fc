/**
 * Storage: 1M one-minute candles into the columnar candle store, then read back as Float64Array columns.
 *
 * ours: CandleStore.upsert (chunked Float64Array BLOBs, idempotent merge) and CandleStore.range.
 * peer: the same 1M rows in a plain row table (ts INTEGER PRIMARY KEY, open..volume REAL) read with
 *       better-sqlite3 `SELECT ... .all()` — the obvious way — in the same process, same WAL settings.
 * Both reads must return identical values before the ratio is printed.
 * Also: audit append with durability on (ledger, synchronous=FULL), chained vs a plain unchained insert of
 * the same JSON, one transaction per engine tick of 100 events; and one commit per event for reference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../main/core/audit/canonical.ts';
import { openLedger, openMarket } from '../../main/storage/index.ts';
import { figure, interleaved, ratio } from './harness.ts';

const N = Number(process.env.BENCH_CANDLES ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'kestrel-bench-storage-'));

function makeCandles(n: number) {
  const c = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let s = 987654321 >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  let px = 30_000;
  for (let i = 0; i < n; i++) {
    const o = px;
    const cl = Math.max(1, o + Math.round((rnd() - 0.5) * 3000) / 100);
    c.ts[i] = 1_600_000_000_000 + i * 60_000;
    c.open[i] = o;
    c.close[i] = cl;
    c.high[i] = Math.max(o, cl) + Math.round(rnd() * 800) / 100;
    c.low[i] = Math.min(o, cl) - Math.round(rnd() * 800) / 100;
    c.volume[i] = Math.round(rnd() * 1e6) / 1e3;
    px = cl;
  }
  return c;
}

try {
  const candles = makeCandles(N);
  const market = openMarket(join(dir, 'market.db'));
  const KEY = { source: 'bench', symbol: 'BTC/USDT', timeframe: '1m' };

  // ── ingest: each round writes 1M candles into a fresh dataset; then once more over an existing one ──
  let round = 0;
  const ingest = await interleaved([{ name: 'upsert', run: () => market.candles.upsert({ ...KEY, symbol: `BTC-${round++}` }, candles) }]);
  const reup = await interleaved([{ name: 're-upsert', run: () => market.candles.upsert({ ...KEY, symbol: 'BTC-0' }, candles) }]);
  if (market.candles.dataset({ ...KEY, symbol: 'BTC-0' })?.count !== N) throw new Error('re-upsert changed the candle count');
  market.candles.upsert(KEY, candles);

  // ── the peer's table, filled once (its own insert rate reported for reference) ──
  market.db.exec('CREATE TABLE bench_rows (ts INTEGER PRIMARY KEY, open REAL, high REAL, low REAL, close REAL, volume REAL)');
  const ins = market.db.prepare('INSERT INTO bench_rows VALUES (?, ?, ?, ?, ?, ?)');
  const t0 = performance.now();
  market.db.transaction(() => {
    for (let i = 0; i < N; i++) ins.run(candles.ts[i], candles.open[i], candles.high[i], candles.low[i], candles.close[i], candles.volume[i]);
  })();
  const peerInsertMs = performance.now() - t0;
  const select = market.db.prepare('SELECT ts, open, high, low, close, volume FROM bench_rows WHERE ts >= ? AND ts < ? ORDER BY ts');
  const from = candles.ts[0]!;
  const to = candles.ts[N - 1]! + 1;

  // Check once, outside the timing, that both reads return identical values; the timed cases then return
  // only the row count so neither keeps a million rows alive into the other's measurement (GC pressure).
  {
    const ours = market.candles.range(KEY, from, to);
    const peer = select.all(from, to) as { ts: number; open: number; high: number; low: number; close: number; volume: number }[];
    if (ours.length !== N || peer.length !== N) throw new Error(`row count mismatch: ours ${ours.length}, peer ${peer.length}`);
    for (let i = 0; i < N; i++) {
      const r = peer[i]!;
      if (r.ts !== ours.ts[i] || r.open !== ours.open[i] || r.high !== ours.high[i] || r.low !== ours.low[i] || r.close !== ours.close[i] || r.volume !== ours.volume[i]) {
        throw new Error(`results differ at row ${i}`);
      }
    }
  }
  const reads = await interleaved([
    { name: 'ours', run: () => market.candles.range(KEY, from, to).length },
    { name: 'peer', run: () => select.all(from, to).length },
  ]);
  if (reads.get('ours')!.last !== N || reads.get('peer')!.last !== N) throw new Error('timed reads returned a different row count');
  market.db.close();

  // ── audit append, durability on ──
  const ledger = openLedger(join(dir, 'ledger.db'));
  ledger.db.exec('CREATE TABLE bench_plain (id INTEGER PRIMARY KEY, ts INTEGER, kind TEXT, body TEXT)');
  const plain = ledger.db.prepare('INSERT INTO bench_plain (ts, kind, body) VALUES (?, ?, ?)');
  const EVENTS = 5000;
  const TICK = 100;
  const event = (i: number) => ({ type: 'risk-verdict', ts: 1_700_000_000_000 + i, symbol: 'BTC/USDT', payload: { ok: true, orderQty: 1000 + i, price: 3_000_000 + i, reasons: [] } });
  let seqPlain = 0;
  let seqChain = 0;
  const audits = await interleaved([
    {
      name: 'chained',
      run: () => {
        for (let t = 0; t < EVENTS; t += TICK) ledger.ledger.batch(() => { for (let i = 0; i < TICK; i++) { const e = event(seqChain++); ledger.audit.record(e.type, e, e.ts); } });
      },
    },
    {
      name: 'plain',
      run: () => {
        for (let t = 0; t < EVENTS; t += TICK) ledger.ledger.batch(() => { for (let i = 0; i < TICK; i++) { const e = event(seqPlain++); plain.run(e.ts, e.type, canonicalJson(e)); } });
      },
    },
  ]);
  const SINGLE = 300;
  const single = await interleaved([{ name: 'single', run: () => { for (let i = 0; i < SINGLE; i++) ledger.audit.append(event(i) as never); } }]);
  const verifyStart = performance.now();
  const v = ledger.audit.verify();
  const verifyMs = performance.now() - verifyStart;
  if (!v.ok) throw new Error('audit chain does not verify');
  ledger.db.close();

  const rate = (n: number, ms: number) => (n / ms) * 1000;
  figure('storage ingest (upsert 1M candles, fresh dataset)', rate(N, ingest.get('upsert')!.medianMs) / 1e6, 'M candles/s');
  figure('storage re-upsert (1M candles already stored, merge)', rate(N, reup.get('re-upsert')!.medianMs) / 1e6, 'M candles/s');
  figure('storage peer insert (row table, one transaction, once)', rate(N, peerInsertMs) / 1e6, 'M rows/s');
  figure('storage audit append chained (synchronous=FULL, 100 events/tick)', rate(EVENTS, audits.get('chained')!.medianMs), 'events/s');
  figure('storage audit append plain unchained insert (same batching)', rate(EVENTS, audits.get('plain')!.medianMs), 'events/s');
  figure('storage audit append chained, one commit per event', rate(SINGLE, single.get('single')!.medianMs), 'events/s');
  figure(`storage audit verify (${v.count} entries)`, rate(v.count, verifyMs), 'entries/s');
  figure('storage columnar read (1M candles → Float64Array columns)', rate(N, reads.get('ours')!.medianMs) / 1e6, 'M candles/s');
  ratio('storage', 'better-sqlite3 SELECT .all()', rate(N, reads.get('ours')!.medianMs) / 1e6, rate(N, reads.get('peer')!.medianMs) / 1e6, 'M candles/s', true);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
