/**
 * Consistency between two verified exports of the same log: the later bundle's signed tree head must
 * extend the earlier's. Proven with the consistency proof the later bundle carries for the earlier size
 * (exported with `since`), or, when the later bundle holds the log from its first entry, by recomputing
 * the earlier root from its entries. A rewritten history fails either way.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { BundleReport } from './bundle-verify.ts';
import type { LineSource } from './bundle.ts';
import { entryLeaf, MerkleFrontier, verifyConsistency } from './merkle.ts';

export interface ConsistencyResult {
  readonly ok: boolean;
  readonly how: 'proof' | 'recomputed' | 'none';
  readonly message: string;
}

export function checkBundleConsistency(earlier: BundleReport, later: BundleReport, laterLines?: LineSource): ConsistencyResult {
  if (!earlier.ok || !earlier.trailer) return { ok: false, how: 'none', message: 'the earlier bundle does not verify on its own' };
  if (!later.ok || !later.trailer) return { ok: false, how: 'none', message: 'the later bundle does not verify on its own' };
  const a = earlier.trailer.treeHead;
  const b = later.trailer.treeHead;
  if (a.size > b.size) return { ok: false, how: 'none', message: `the "earlier" bundle is larger (tree size ${a.size}) than the later one (${b.size}); swap them` };
  if (earlier.trailer.publicKey !== later.trailer.publicKey) return { ok: false, how: 'none', message: 'the two bundles were signed by different keys' };
  const rec = later.trailer.consistency.find((c) => c.size === a.size);
  if (rec) {
    const ok = verifyConsistency(a.size, b.size, hexToBytes(a.root), hexToBytes(b.root), rec.proof.map((x) => hexToBytes(x)));
    return ok
      ? { ok, how: 'proof', message: `tree size ${b.size} extends tree size ${a.size} (consistency proof of ${rec.proof.length} hashes)` }
      : { ok, how: 'proof', message: `the later log does NOT extend the earlier export: the consistency proof from size ${a.size} (root ${a.root.slice(0, 12)}…) fails — history up to seq ${a.size} was rewritten` };
  }
  if (laterLines && later.header && later.header.from.seq === 0) {
    const f = new MerkleFrontier();
    for (let i = 1; i < laterLines.length - 1 && f.size < a.size; i++) f.push(entryLeaf((JSON.parse(laterLines.at(i)!) as { hash: string }).hash));
    const root = bytesToHex(f.root());
    const ok = f.size === a.size && root === a.root;
    return ok
      ? { ok, how: 'recomputed', message: `the later bundle's first ${a.size} entries have the earlier tree head's root` }
      : { ok, how: 'recomputed', message: `the later bundle's first ${a.size} entries hash to root ${root.slice(0, 12)}…, not the earlier ${a.root.slice(0, 12)}…: history was rewritten` };
  }
  return { ok: false, how: 'none', message: `the later bundle carries no consistency proof from tree size ${a.size}; export it with --since the earlier bundle` };
}
