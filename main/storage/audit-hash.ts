/**
 * The audit chain's link hash on node:crypto (OpenSSL): the same SHA-256(prevHash ‖ UTF-8 body) as the
 * core's pure-JS `linkHash`, several times faster, which is what the ledger's append and verify use.
 * `prevHash` is checked as the pure one checks it (64 hex digits), since Buffer's hex decoding would
 * silently stop at the first bad digit instead of refusing.
 */
import { createHash } from 'node:crypto';
import type { LinkHasher } from '../core/audit/chain.ts';

const HEX64 = /^[0-9a-fA-F]{64}$/;

export const nativeLinkHash: LinkHasher = (prevHash, body) => {
  if (typeof prevHash !== 'string' || !HEX64.test(prevHash)) throw new TypeError('previous hash must be 64 hex digits');
  if (typeof body !== 'string') throw new TypeError('body must be a string');
  return createHash('sha256').update(prevHash, 'hex').update(body, 'utf8').digest('hex');
};
