/**
 * Generated audit logs for the audit tests: realistic kernel-shaped events (signals, risk verdicts, order
 * snapshots, fills with bigint fees, a non-ASCII note) chained with the production chain code.
 */
import { chainNext, EMPTY_HEAD, type ChainHead, type ChainedEntry } from '../../../main/core/audit/chain.ts';
import { buildBundle, type BundleScope, type ConsistencyRecord } from '../../../main/core/audit/bundle.ts';
import { entryLeaf, MerkleFrontier } from '../../../main/core/audit/merkle.ts';
import { generateSigningKey, type SigningKey } from '../../../main/host/audit/keys.ts';

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ['signal', 'risk-verdict', 'order', 'fill', 'bar'] as const;

export function eventData(i: number, r: () => number): { kind: string; data: unknown } {
  const kind = KINDS[i % KINDS.length]!;
  const symbol = r() < 0.5 ? 'BTC/USDT' : 'ETH/USDT';
  const base = { type: kind, ts: 1_700_000_000_000 + i * 1000, seq: i + 1, symbol, session: 'S1', sessionSeq: i + 1, strategyVersion: 'ab12cd34' };
  switch (kind) {
    case 'signal':
      return { kind, data: { ...base, payload: { strategy: 'sma', name: 'cross', inputs: { fast: Math.floor(r() * 1e6), slow: Math.floor(r() * 1e6) } } } };
    case 'risk-verdict':
      return { kind, data: { ...base, payload: { ok: r() < 0.9, reasons: [], request: { symbol, side: 'buy', type: 'market', qty: 1 + Math.floor(r() * 9) } } } };
    case 'order':
      return { kind, data: { ...base, payload: { event: 'accepted', order: { clientOrderId: `S1-${i}`, state: 'accepted', qty: 3, filledQty: 0, tag: 'Stop-Loss €' } } } };
    case 'fill':
      return { kind, data: { ...base, venueTs: base.ts - 3, payload: { fill: { tradeId: `t${i}`, price: 400_000 + Math.floor(r() * 1000), qty: 2, fee: 123456789012345678n * BigInt(1 + (i % 7)) } } } };
    default:
      return { kind, data: { ...base, payload: { i, close: 40000 + r(), equity: 10000 + r() * 5 } } };
  }
}

export function makeLog(n: number, seed = 1, from: ChainHead = EMPTY_HEAD, firstIndex = 0): ChainedEntry[] {
  const r = rng(seed);
  const out: ChainedEntry[] = [];
  let head = from;
  for (let i = 0; i < n; i++) {
    const e = eventData(firstIndex + i, r);
    const link = chainNext(head, 1_700_000_000_000 + (firstIndex + i) * 1000, e.kind, e.data);
    out.push(link);
    head = { seq: link.seq, hash: link.hash };
  }
  return out;
}

let key: SigningKey | undefined;
export function testKey(): SigningKey {
  return (key ??= generateSigningKey().key);
}

/** Bundle of log[skip..] (a range that starts mid-log when skip > 0). */
export function bundleOf(log: readonly ChainedEntry[], skip = 0, opts: { scope?: BundleScope; consistency?: ConsistencyRecord[]; key?: SigningKey } = {}): string[] {
  const prefix = new MerkleFrontier();
  for (let i = 0; i < skip; i++) prefix.push(entryLeaf(log[i]!.hash));
  const k = opts.key ?? testKey();
  return buildBundle({
    entries: log.slice(skip),
    from: skip ? { seq: log[skip - 1]!.seq, hash: log[skip - 1]!.hash } : EMPTY_HEAD,
    prefix,
    scope: opts.scope ?? { session: 'S1', note: 'test export' },
    createdAt: 1_700_000_000_000,
    publicKey: k.publicKey,
    sign: k.sign,
    ...(opts.consistency ? { consistency: opts.consistency } : {}),
  });
}
