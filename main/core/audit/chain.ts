/**
 * The audit hash chain. Each entry's hash is SHA-256(previous hash ‖ canonical JSON of the entry), so
 * changing, removing, inserting or reordering any entry changes every hash after it. The entry's own
 * sequence number and timestamp are inside the hashed body, which is why the stored seq/ts columns can be
 * checked against it by the verifier.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalEntryBody } from './canonical.ts';

/** The "previous hash" of the first entry: 32 zero bytes. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  /** 1-based position in the chain; contiguous. */
  readonly seq: number;
  /** Milliseconds since the epoch (engine clock). */
  readonly ts: number;
  /** What happened, dotted: `order.intent`, `risk.verdict`, `fill`, ... */
  readonly kind: string;
  readonly data: unknown;
}

/** An entry as stored: its canonical body and the link to its predecessor. */
export interface ChainedEntry {
  readonly seq: number;
  readonly ts: number;
  readonly kind: string;
  /** Canonical JSON of `{ data, kind, seq, ts }` — exactly the bytes that were hashed. */
  readonly body: string;
  readonly prevHash: string;
  readonly hash: string;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

export function entryBody(e: AuditEntry): string {
  return canonicalEntryBody(e.kind, e.seq, e.ts, e.data);
}

/**
 * The link hash as a port: SHA-256(prevHash ‖ UTF-8 of body), hex. The core's own is pure JS so the core
 * runs anywhere (workers, the renderer's replay, tests); a host that writes or verifies many links injects
 * a native one (main/storage/audit-hash.ts: node:crypto, several times faster) that must give the same bytes.
 */
export type LinkHasher = (prevHash: string, body: string) => string;

const utf8 = new TextEncoder();

/** SHA-256(prev ‖ body), hex. `prevHash` is 64 hex chars; body is hashed as UTF-8. */
export function linkHash(prevHash: string, body: string): string {
  return bytesToHex(sha256.create().update(hexToBytes(prevHash)).update(utf8.encode(body)).digest());
}

/**
 * Builds the next link after `head`. Pure: the caller persists it and only then treats it as the new head.
 * With `extra`, the entry's data is `{ ...data, ...extra }` (a session stamp: session.ts), encoded without the copy.
 */
export function chainNext(head: ChainHead, ts: number, kind: string, data: unknown, hash: LinkHasher = linkHash, extra?: object): ChainedEntry {
  checkEntryArgs(ts, kind);
  const seq = head.seq + 1;
  const body = canonicalEntryBody(kind, seq, ts, data, extra);
  return { seq, ts, kind, body, prevHash: head.hash, hash: hash(head.hash, body) };
}

/** What every writer of a link refuses before encoding it. */
export function checkEntryArgs(ts: number, kind: string): void {
  if (!Number.isSafeInteger(ts)) throw new TypeError(`audit ts must be an integer (ms), got ${ts}`);
  if (typeof kind !== 'string' || kind.length === 0) throw new TypeError('audit kind must be a non-empty string');
}
