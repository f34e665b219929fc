/**
 * Content hash of a candle series: SHA-256 over the little-endian float64 bytes of ts, open, high, low,
 * close, volume (column after column), then the synthetic flags when any row is synthetic. Two series hash
 * equal exactly when every number is bit-identical, whatever store or file they came from.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { FIELDS, type OhlcvColumns } from './candles.ts';

export interface Hasher {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}
/** The host may pass node:crypto's SHA-256 (several times faster); core defaults to the pure one. */
export type HasherFactory = () => Hasher;

const nobleSha256: HasherFactory = () => sha256.create();

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function leBytes(a: Float64Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 8) for (let k = 0; k < 8; k++) out[i + k] = bytes[i + 7 - k]!;
  return out;
}

export function contentHash(c: OhlcvColumns, factory: HasherFactory = nobleSha256): string {
  const h = factory();
  const header = new Float64Array([c.ts.length]);
  h.update(leBytes(header));
  for (const f of FIELDS) h.update(leBytes(c[f]));
  if (c.synthetic && c.synthetic.some((x) => x !== 0)) h.update(c.synthetic);
  return bytesToHex(h.digest());
}
