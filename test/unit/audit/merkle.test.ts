import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { consistencyProof, entryLeaf, EMPTY_ROOT, inclusionProof, leafHash, MerkleFrontier, nodeHash, subtreeRoot, verifyConsistency, verifyInclusion, type Hash } from '../../../main/core/audit/merkle.ts';
import { makeLog } from './fixtures.ts';

const leaves = (n: number, salt = 0): Hash[] => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i} ${salt}`)));

/** The RFC 6962 definition written out naively, independent of the implementation's helpers. */
function naiveRoot(data: Uint8Array[]): string {
  const h = (b: Uint8Array) => sha256(b);
  const mth = (d: Uint8Array[]): Uint8Array => {
    if (d.length === 0) return h(new Uint8Array(0));
    if (d.length === 1) return h(Uint8Array.of(0, ...d[0]!));
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return h(Uint8Array.of(1, ...mth(d.slice(0, k)), ...mth(d.slice(k))));
  };
  return bytesToHex(mth(data));
}

describe('Merkle tree heads (RFC 6962 hashing)', () => {
  it('leaf and node hashes are domain-separated SHA-256, the root matches the RFC definition', () => {
    const data = Array.from({ length: 13 }, (_, i) => new TextEncoder().encode(`entry-${i}`));
    const ls = data.map((d) => leafHash(d));
    expect(bytesToHex(ls[0]!)).toBe(bytesToHex(sha256(Uint8Array.of(0, ...data[0]!))));
    expect(bytesToHex(nodeHash(ls[0]!, ls[1]!))).toBe(bytesToHex(sha256(Uint8Array.of(1, ...ls[0]!, ...ls[1]!))));
    for (let n = 0; n <= 13; n++) expect(bytesToHex(subtreeRoot(ls.slice(0, n)))).toBe(naiveRoot(data.slice(0, n)));
    expect(bytesToHex(subtreeRoot([]))).toBe(EMPTY_ROOT);
  });

  it('the frontier gives the same root as the full tree at every size, and resumes from its hex form', () => {
    const ls = leaves(300);
    const f = new MerkleFrontier();
    for (let i = 0; i < ls.length; i++) {
      f.push(ls[i]!);
      expect(f.head().root).toBe(bytesToHex(subtreeRoot(ls, 0, i + 1)));
      if (i === 150) {
        const g = MerkleFrontier.fromHex(f.size, f.toHex());
        for (let j = i + 1; j < ls.length; j++) g.push(ls[j]!);
        expect(g.head().root).toBe(bytesToHex(subtreeRoot(ls)));
      }
    }
    expect(() => MerkleFrontier.fromHex(5, [])).toThrow(/5 leaves has 2 nodes/);
  });

  it('inclusion proofs verify for every leaf and fail for a wrong leaf, index, size or root', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (n, r) => {
      const ls = leaves(n);
      const i = r % n;
      const root = subtreeRoot(ls);
      const p = inclusionProof(ls, i);
      expect(verifyInclusion(ls[i]!, i, n, p, root)).toBe(true);
      expect(verifyInclusion(leafHash(Uint8Array.of(9)), i, n, p, root)).toBe(false);
      if (n > 1) expect(verifyInclusion(ls[i]!, (i + 1) % n, n, p, root)).toBe(false);
      expect(verifyInclusion(ls[i]!, i, 4 * n + 4, p, root)).toBe(false);
      expect(verifyInclusion(ls[i]!, i, n, p, leafHash(Uint8Array.of(1)))).toBe(false);
    }), { numRuns: 300 });
  });

  it('consistency proofs verify for every prefix and fail when history before it was rewritten', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 150 }), fc.nat(), fc.nat(), (n, a, b) => {
      const ls = leaves(n);
      const m = 1 + (a % n);
      const p = consistencyProof(ls, m);
      const r1 = subtreeRoot(ls, 0, m);
      const r2 = subtreeRoot(ls);
      expect(verifyConsistency(m, n, r1, r2, p)).toBe(true);
      // Rewrite one leaf before m: the later tree no longer extends the earlier head.
      const forged = [...ls];
      forged[b % m] = leafHash(Uint8Array.of(7, 7));
      const pf = consistencyProof(forged, m);
      expect(verifyConsistency(m, n, r1, subtreeRoot(forged), pf)).toBe(false);
      if (m < n) expect(verifyConsistency(m, n, r1, r2, p.slice(1))).toBe(false);
    }), { numRuns: 300 });
  });

  it('audit entries are leaves by their chain hash', () => {
    const log = makeLog(5);
    const f = new MerkleFrontier();
    for (const e of log) f.push(entryLeaf(e.hash));
    expect(f.head()).toEqual({ size: 5, root: bytesToHex(subtreeRoot(log.map((e) => entryLeaf(e.hash)))) });
  });
});
