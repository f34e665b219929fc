/**
 * Client order ids on the wire. The kernel's ids (`<session>-<n>`, deterministic, unique per ledger) are sent
 * as they are when the venue accepts them; otherwise as `k` + a hash of the id, cut to the venue's limit.
 * Both directions are pure functions of the kernel id, so after a crash the venue-side id of every stored
 * intent is known without having stored it, and a reply is matched to its intent without guessing.
 */
import { createHash } from 'node:crypto';

export interface ClientIdLimit {
  readonly maxLength: number;
  readonly pattern: RegExp;
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function venueClientId(kernelId: string, limit: ClientIdLimit): string {
  if (kernelId.length <= limit.maxLength && limit.pattern.test(kernelId)) return kernelId;
  const digest = createHash('sha256').update(kernelId).digest();
  let out = 'k';
  // One base36 character per digest byte: 31 characters carry well over 100 bits, so collisions are moot.
  for (let i = 0; out.length < Math.min(32, limit.maxLength); i++) out += ALPHABET[digest[i % digest.length]! % 36];
  return out;
}
