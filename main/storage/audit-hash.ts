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
  const n = 32 + Buffer.byteLength(body, 'utf8');
  if (n > SCRATCH_MAX) {
    const prev = Buffer.from(prevHash, 'hex');
    if (prev.length !== 32) throw new TypeError('previous hash must be 64 hex digits');
    return createHash('sha256').update(prev).update(body, 'utf8').digest('hex');
  }
  if (n > scratch.length) scratch = Buffer.allocUnsafe(Math.min(SCRATCH_MAX, n * 2));
  if (scratch.write(prevHash, 0, 'hex') !== 32) throw new TypeError('previous hash must be 64 hex digits');
  scratch.write(body, 32, 'utf8');
  return hash('sha256', scratch.subarray(0, n), 'hex');
};
