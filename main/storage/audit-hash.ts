/**
 * The audit chain's link hash on node:crypto (OpenSSL): the same SHA-256(prevHash ‖ UTF-8 body) as the
 * core's pure-JS `linkHash`, several times faster, which is what the ledger's append and verify use.
 * One-shot `crypto.hash` over a reused buffer: half the cost of a createHash object per link at audit
 * entry sizes. `prevHash` is refused unless it is 64 hex digits, as the pure one refuses it (Buffer's hex
 * decoding would otherwise stop quietly at the first bad digit).
 */
import { createHash, hash } from 'node:crypto';
import type { LinkHasher } from '../core/audit/chain.ts';

/** Bodies above this are hashed without the scratch buffer, so one huge entry does not pin its size. */
const SCRATCH_MAX = 1 << 20;
let scratch = Buffer.allocUnsafe(16 * 1024);

export const nativeLinkHash: LinkHasher = (prevHash, body) => {
  if (typeof prevHash !== 'string' || prevHash.length !== 64) throw new TypeError('previous hash must be 64 hex digits');
  if (typeof body !== 'string') throw new TypeError('body must be a string');
  // At most 3 bytes per UTF-16 unit: a body that surely fits is written without measuring it first.
  const n = 32 + body.length * 3 <= scratch.length ? 0 : 32 + Buffer.byteLength(body, 'utf8');
  if (n > SCRATCH_MAX) {
    const prev = Buffer.from(prevHash, 'hex');
    if (prev.length !== 32) throw new TypeError('previous hash must be 64 hex digits');
    return createHash('sha256').update(prev).update(body, 'utf8').digest('hex');
  }
  if (n > scratch.length) scratch = Buffer.allocUnsafe(Math.min(SCRATCH_MAX, n * 2));
  if (scratch.write(prevHash, 0, 'hex') !== 32) throw new TypeError('previous hash must be 64 hex digits');
  const written = scratch.write(body, 32, 'utf8');
  return hash('sha256', scratch.subarray(0, 32 + written), 'hex');
};

/** A Buffer over the first 32 bytes of the encoder's array, for Buffer's checked hex decoding. */
let prevView: { of: Uint8Array; buf: Buffer } | null = null;

/**
 * `nativeLinkHash(prevHash, body)` for a body already encoded as UTF-8 in `out` after 32 free bytes
 * (canonicalEntryBodyInto after `out.reset(32)`): the previous hash is decoded into those bytes and the
 * whole is hashed in place, with no string, no UTF-8 copy and no scratch copy.
 */
export function nativeLinkHashInto(prevHash: string, out: { readonly bytes: Uint8Array; readonly length: number }): string {
  if (typeof prevHash !== 'string' || prevHash.length !== 64) throw new TypeError('previous hash must be 64 hex digits');
  if (prevView?.of !== out.bytes) prevView = { of: out.bytes, buf: Buffer.from(out.bytes.buffer, out.bytes.byteOffset, 32) };
  if (prevView.buf.write(prevHash, 0, 'hex') !== 32) throw new TypeError('previous hash must be 64 hex digits');
  return hash('sha256', out.bytes.subarray(0, out.length), 'hex');
}
