/**
 * Audit append with durability on: the session's audit path as the host runs it — kernel-shaped events
 * stamped by SessionAuditSink, chained by AuditLog into the ledger (WAL, synchronous=FULL: a returned
 * commit survives power loss), one commit per engine step of 100 events (group commit; BENCH_AUDIT_STEP) — against a plain
 * unchained insert of the same canonical JSON with the same commits, in the same database.
 * Both must store the same event bodies before the ratio is printed.
 * Also: one commit per event (no grouping), storing a signed tree head, exporting and verifying a bundle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitBundleText } from '../../main/core/audit/bundle.ts';
import { verifyBundle } from '../../main/core/audit/bundle-verify.ts';
import { canonicalJson } from '../../main/core/audit/canonical.ts';
import { SessionAuditSink } from '../../main/core/audit/session.ts';
import type { AuditEvent } from '../../main/core/ports.ts';
import { ed25519Check } from '../../main/host/audit/keys.ts';
import { AuditService } from '../../main/host/audit/service.ts';
import { passphraseVault } from '../../main/host/audit/key-vault.ts';
import { openLedger } from '../../main/storage/index.ts';
import { figure, interleaved, ratio } from './harness.ts';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 10_000);
const STEP = Number(process.env.BENCH_AUDIT_STEP ?? 100);
const SINGLE = 500;
const dir = mkdtempSync(join(tmpdir(), 'kestrel-bench-audit-'));

function kernelEvent(i: number): AuditEvent {
  const ts = 1_700_000_000_000 + i * 250;
  switch (i % 5) {
    case 0: return { type: 'bar', ts, venueTs: ts - 60_000, symbol: 'BTC/USDT', strategyVersion: 'f'.repeat(64), payload: { i, open: 30000.5, high: 30010.25, low: 29990, close: 30001 + (i % 7), volume: 12.5, equity: 100000 + i / 3 } };
    case 1: return { type: 'signal', ts, symbol: 'BTC/USDT', strategyVersion: 'f'.repeat(64), payload: { strategy: 'sma', name: 'long', inputs: { fast: 30001.2, slow: 29990.7, bar: i } } };
    case 2: return { type: 'risk-verdict', ts, symbol: 'BTC/USDT', payload: { ok: true, reasons: [], request: { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 10 }, source: 'strategy', inputs: { tradingState: 'active', positionQty: 0, workingQty: 0, openOrders: 0, lastPrice: 3000100, equity: 100000 } } };
    case 3: return { type: 'order', ts, symbol: 'BTC/USDT', payload: { event: 'accepted', order: { clientOrderId: `S-${i}`, symbol: 'BTC/USDT', venue: 'paper', side: 'buy', type: 'market', qty: 10, state: 'accepted', filledQty: 0, filledNotionalTicks: 0, tif: 'GTC', source: 'strategy', createdTs: ts, updatedTs: ts } } };
    default: return { type: 'fill', ts, symbol: 'BTC/USDT', payload: { fill: { venue: 'paper', tradeId: `T-${i}`, clientOrderId: `S-${i - 1}`, symbol: 'BTC/USDT', side: 'buy', qty: 10, price: 3000150, fee: 30001500000000000n, feeCurrency: 'USDT', liquidity: 'taker', ts }, position: 10 } };
  }
}

try {
  const ledger = openLedger(join(dir, 'ledger.db'));
  ledger.db.exec('CREATE TABLE bench_plain (id INTEGER PRIMARY KEY, ts INTEGER, kind TEXT, body TEXT)');
  const plain = ledger.db.prepare('INSERT INTO bench_plain (ts, kind, body) VALUES (?, ?, ?)');
  // Both sides get identically stamped events: one stamping sink per side, same session id.
  const ours = new SessionAuditSink(ledger.audit, { sessionId: 'bench', kind: 'paper' });
  const peerSink = new SessionAuditSink({ append: (e) => void plain.run(e.ts, e.type, canonicalJson(e)) }, { sessionId: 'bench', kind: 'paper' });
  let a = 0;
  let b = 0;
  const res = await interleaved([
    { name: 'chained', run: () => { for (let t = 0; t < EVENTS; t += STEP) ledger.ledger.batch(() => { for (let k = 0; k < STEP; k++) ours.append(kernelEvent(a++)); }); return a; } },
    { name: 'plain', run: () => { for (let t = 0; t < EVENTS; t += STEP) ledger.ledger.batch(() => { for (let k = 0; k < STEP; k++) peerSink.append(kernelEvent(b++)); }); return b; } },
  ]);
  // Same work stored: same count, and each chained entry's data is byte-for-byte the plain row's body.
  const n = ledger.audit.count();
  const m = (ledger.db.prepare('SELECT count(*) AS n FROM bench_plain').get() as { n: number }).n;
  if (n !== m) throw new Error(`chained stored ${n} events, plain ${m}`);
  const rows = ledger.db.prepare('SELECT body FROM bench_plain ORDER BY id LIMIT 2000').all() as { body: string }[];
  const links = ledger.audit.read({ fromSeq: 1, limit: 2000 });
  links.forEach((l, i) => {
    if (canonicalJson((JSON.parse(l.body) as { data: unknown }).data) !== rows[i]!.body) throw new Error(`event ${i + 1} differs between chained and plain`);
  });
  const single = await interleaved([{ name: 'single', run: () => { for (let i = 0; i < SINGLE; i++) ours.append(kernelEvent(a++)); } }]);

  const svc = new AuditService({ db: ledger.db, log: ledger.audit, dataDir: dir, vault: passphraseVault(() => 'bench passphrase', { logN: 14 }) });
  svc.key(); // unsealing the key (scrypt) is start-up work, not part of a checkpoint
  let t0 = performance.now();
  const head = svc.checkpoint()!;
  const cpMs = performance.now() - t0;
  t0 = performance.now();
  const bundle = svc.exportBundle({});
  const exportMs = performance.now() - t0;
  t0 = performance.now();
  const rep = verifyBundle(splitBundleText(bundle.text), { checkSignature: ed25519Check });
  const verifyMs = performance.now() - t0;
  if (!rep.ok || rep.verified !== head.size) throw new Error('exported bundle does not verify');
  ledger.db.close();

  const rate = (k: number, ms: number) => (k / ms) * 1000;
  const chained = rate(EVENTS, res.get('chained')!.medianMs);
  const peer = rate(EVENTS, res.get('plain')!.medianMs);
  figure('audit append, one commit per event (synchronous=FULL)', rate(SINGLE, single.get('single')!.medianMs), 'events/s');
  figure(`audit tree head checkpoint (${head.size} entries, signed)`, rate(head.size, cpMs), 'entries/s');
  figure(`audit bundle export (${bundle.entries} entries, signed)`, rate(bundle.entries, exportMs), 'entries/s');
  figure(`audit bundle verify offline (${rep.verified} entries)`, rate(rep.verified, verifyMs), 'entries/s');
  figure(`audit append chained (synchronous=FULL, ${STEP} events/commit)`, chained, 'events/s');
  ratio('audit', 'plain unchained insert', chained, peer, 'events/s', true);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
