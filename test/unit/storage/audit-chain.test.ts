import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainNext, EMPTY_HEAD, GENESIS_HASH, linkHash, type ChainedEntry } from '../../../main/core/audit/chain.ts';
import { verifyChain } from '../../../main/core/audit/verify.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

function build(n: number): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let head = EMPTY_HEAD;
  for (let i = 0; i < n; i++) {
    const e = chainNext(head, 1_700_000_000_000 + i, i % 3 ? 'order' : 'fill', { i, qty: BigInt(i) * 10n, note: `n${i}` });
    out.push(e);
    head = e;
  }
  return out;
}

describe('audit hash chain', () => {
  it('hashes SHA-256(previous hash bytes ‖ canonical JSON of the entry)', () => {
    const e = chainNext(EMPTY_HEAD, 5, 'signal', { b: 2, a: 1 });
    expect(e.body).toBe('{"data":{"a":1,"b":2},"kind":"signal","seq":1,"ts":5}');
    const bytes = new Uint8Array([...new Uint8Array(32), ...new TextEncoder().encode(e.body)]);
    expect(e.hash).toBe(bytesToHex(sha256(bytes)));
    expect(e.prevHash).toBe(GENESIS_HASH);
    const e2 = chainNext(e, 6, 'order', {});
    expect(e2.prevHash).toBe(e.hash);
    expect(e2.hash).toBe(linkHash(e.hash, e2.body));
  });

  it('verifies an intact chain, from the genesis or from a trusted head', () => {
    const c = build(50);
    expect(verifyChain(c)).toEqual({ ok: true, count: 50, head: { seq: 50, hash: c[49]!.hash } });
    expect(verifyChain(c.slice(20), c[19]!)).toMatchObject({ ok: true, count: 30 });
    expect(verifyChain(c.slice(20), c[18]!)).toMatchObject({ ok: false, brokenAt: 20 });
  });

  it('names the first broken link for any single edited byte of any body or hash (property)', () => {
    const c = build(30);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 29 }), fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), (k, inBody, pos, delta) => {
        const field = inBody ? 'body' : 'hash';
        const s = c[k]![field];
        const at = pos % s.length;
        const ch = String.fromCharCode((s.charCodeAt(at) + delta) % 256);
        fc.pre(ch !== s[at]);
        const tampered = c.map((e, i) => (i === k ? { ...e, [field]: s.slice(0, at) + ch + s.slice(at + 1) } : e));
        const r = verifyChain(tampered);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.brokenAt).toBe(k + 1);
      }),
      { numRuns: 500 },
    );
  });

  it('detects a removed, duplicated or reordered entry, and columns that contradict the body', () => {
    const c = build(10);
    expect(verifyChain([...c.slice(0, 4), ...c.slice(5)])).toMatchObject({ ok: false, brokenAt: 5, reason: expect.stringMatching(/gap/) });
    expect(verifyChain([...c.slice(0, 5), c[4]!, ...c.slice(5)])).toMatchObject({ ok: false, brokenAt: 6 });
    expect(verifyChain([c[1]!, c[0]!])).toMatchObject({ ok: false, brokenAt: 1 });
    expect(verifyChain(c.map((e, i) => (i === 3 ? { ...e, ts: e.ts + 1 } : e)))).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/differ/) });
    // A consistent forgery (re-hashed from the edit on) still breaks at the link whose successor it cannot match.
    const forged = chainNext(c[2]!, c[3]!.ts, c[3]!.kind, { forged: true });
    expect(verifyChain([...c.slice(0, 3), forged, ...c.slice(4)])).toMatchObject({ ok: false, brokenAt: 5 });
  });

  it('refuses entries that canonical JSON cannot represent exactly', () => {
    expect(() => chainNext(EMPTY_HEAD, 1, 'x', { p: Number.NaN })).toThrow();
    expect(() => chainNext(EMPTY_HEAD, 1.5, 'x', {})).toThrow(/integer/);
    expect(() => chainNext(EMPTY_HEAD, 1, '', {})).toThrow(/kind/);
  });
});
