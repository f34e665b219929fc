/**
 * The ledger hashes audit links with node:crypto (main/storage/audit-hash.ts) while the core, workers,
 * exports and the offline verifier use the pure-JS one: a chain is only portable if both give the same
 * bytes for every body, and refuse the same previous hashes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainNext, EMPTY_HEAD, linkHash, type ChainedEntry } from '../../../main/core/audit/chain.ts';
import { verifyChain } from '../../../main/core/audit/verify.ts';
import { CanonicalBytes } from '../../../main/core/audit/canonical.ts';
import { nativeLinkHash, nativeLinkHashInto } from '../../../main/storage/audit-hash.ts';

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
// Lone surrogates and astral characters are where UTF-8 encoders are known to part ways.
const awkward = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('\ud800', '\udfff', '\u0000', '"', '\\', 'é', '😀')), { maxLength: 64 }).map((a) => a.join(''));

describe('native link hash', () => {
  it('gives the pure hash for any previous hash and body (property)', () => {
    fc.assert(
      fc.property(hex64, fc.oneof(fc.string({ maxLength: 2000 }), awkward), fc.boolean(), (prev, body, upper) => {
        const p = upper ? prev.toUpperCase() : prev;
        expect(nativeLinkHash(p, body)).toBe(linkHash(p, body));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the pure hash for bodies past its scratch buffer, and after one (the buffer grows, then is reused)', () => {
    const prev = 'c'.repeat(64);
    for (const len of [10, 20_000, 600_000, 1_100_000, 50]) {
      const body = 'é😀x'.repeat(Math.ceil(len / 4)).slice(0, len);
      expect(nativeLinkHash(prev, body)).toBe(linkHash(prev, body));
    }
  });

  it('refuses a previous hash that is not 64 hex digits, where Buffer would stop quietly at the bad digit', () => {
    const good = 'a'.repeat(64);
    for (const bad of [`${good.slice(0, 63)}g`, `g${good.slice(1)}`, good.slice(0, 62), `${good}00`, '']) {
      expect(() => nativeLinkHash(bad, '{}')).toThrow(/64 hex/);
      expect(() => nativeLinkHash(bad, 'x'.repeat(1_100_000))).toThrow(/64 hex/);
    }
    expect(() => linkHash(`${good.slice(0, 63)}g`, '{}')).toThrow();
  });

  it('builds chains either verifier accepts, and each names the same tampered link', () => {
    const links: ChainedEntry[] = [];
    let head = EMPTY_HEAD;
    for (let i = 0; i < 40; i++) {
      head = chainNext(head, 1_700_000_000_000 + i, 'order', { i, note: `é${i}😀` }, i % 2 ? nativeLinkHash : linkHash);
      links.push(head as ChainedEntry);
    }
    expect(verifyChain(links)).toMatchObject({ ok: true, count: 40 });
    expect(verifyChain(links, EMPTY_HEAD, nativeLinkHash)).toMatchObject({ ok: true, count: 40 });
    const tampered = links.map((l, i) => (i === 17 ? { ...l, body: l.body.replace('é17', 'e17') } : l));
    expect(verifyChain(tampered)).toMatchObject({ ok: false, brokenAt: 18 });
    expect(verifyChain(tampered, EMPTY_HEAD, nativeLinkHash)).toMatchObject({ ok: false, brokenAt: 18 });
  });

  it('hashes a body already in UTF-8 after 32 free bytes (the ledger\'s append) as the pure hash does its string', () => {
    const out = new CanonicalBytes();
    const utf8 = new TextEncoder();
    fc.assert(
      fc.property(hex64, fc.oneof(fc.string({ maxLength: 2000 }), awkward, fc.constant('é😀'.repeat(20_000))), (prev, body) => {
        out.reset(32);
        const b = utf8.encode(body);
        out.ensure(b.length).set(b, 32);
        out.length += b.length;
        expect(nativeLinkHashInto(prev, out)).toBe(linkHash(prev, body));
      }),
      { numRuns: 300 },
    );
    out.reset(32);
    for (const bad of [`${'a'.repeat(63)}g`, 'a'.repeat(62), '']) expect(() => nativeLinkHashInto(bad, out)).toThrow(/64 hex/);
  });
});
