/**
 * The signed audit bundle: a contiguous range of the hash-chained log in one self-verifying text file.
 *
 *   line 1        header   {format, version, createdAt, scope, from: chain head before the first entry,
 *                           prefix: Merkle frontier of every leaf before the first entry}
 *   lines 2..n+1  entries  one chain link each {body, hash, kind, prevHash, seq, ts}
 *   last line     trailer  {count, head, treeHead, headerHash, consistency, publicKey, signature}
 *
 * Every line is canonical JSON (canonical.ts) and ends with "\n". Line-per-entry is deliberate: a damaged
 * byte can only damage its own line, so the verifier can always say which entry (or the header, or the
 * trailer) was touched, instead of "the file does not parse".
 *
 * What binds what: the Ed25519 signature covers the trailer; the trailer carries the SHA-256 of the header
 * line, the chain head (which commits to every entry body and their order) and the RFC 6962 tree head of
 * the whole log up to the last entry (recomputable from the header's prefix frontier plus these entries).
 * The signing and verifying functions are passed in: main/core has no crypto library for Ed25519, the host
 * uses node:crypto (main/host/audit/keys.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { ValidationError } from '../errors.ts';
import { canonicalJson } from './canonical.ts';
import type { ChainHead, ChainedEntry } from './chain.ts';
import { entryLeaf, type MerkleFrontier, type TreeHead } from './merkle.ts';
import { ChainVerifier } from './verify.ts';

export const BUNDLE_FORMAT = 'kestrel-audit-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleScope {
  readonly session?: string;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly note?: string;
}

export interface BundleHeader {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: number;
  readonly createdAt: number;
  readonly scope: BundleScope;
  /** The chain head just before the first entry (the genesis for a bundle starting at seq 1). */
  readonly from: ChainHead;
  /** Merkle frontier (hex) of leaves 1..from.seq. */
  readonly prefix: readonly string[];
}

/** Proof that this bundle's tree head extends an earlier one (e.g. a previous export's). */
export interface ConsistencyRecord {
  readonly size: number;
  readonly root: string;
  readonly proof: readonly string[];
}

export interface BundleTrailer {
  readonly count: number;
  readonly head: ChainHead;
  readonly treeHead: TreeHead;
  readonly headerHash: string;
  readonly consistency: readonly ConsistencyRecord[];
  /** Raw Ed25519 public key, hex (32 bytes). */
  readonly publicKey: string;
  /** Ed25519 signature (hex, 64 bytes) over the canonical JSON of the trailer without this field. */
  readonly signature: string;
}

export type Signer = (message: Uint8Array) => Uint8Array;
export type SignatureCheck = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean;

export interface BuildBundleInput {
  readonly entries: Iterable<ChainedEntry>;
  /** Head before the first entry; with `prefix`, it anchors a range that does not start at seq 1. */
  readonly from: ChainHead;
  readonly prefix: MerkleFrontier;
  readonly scope: BundleScope;
  readonly createdAt: number;
  readonly publicKey: string;
  readonly sign: Signer;
  readonly consistency?: readonly ConsistencyRecord[];
}

export function headerHash(headerLine: string): string {
  return bytesToHex(sha256(utf8ToBytes(headerLine)));
}

export function entryLine(e: ChainedEntry): string {
  return canonicalJson({ body: e.body, hash: e.hash, kind: e.kind, prevHash: e.prevHash, seq: e.seq, ts: e.ts });
}

/** The bytes the signature covers. */
export function signedPart(t: Omit<BundleTrailer, 'signature'>): Uint8Array {
  return utf8ToBytes(canonicalJson({ consistency: t.consistency, count: t.count, head: t.head, headerHash: t.headerHash, publicKey: t.publicKey, treeHead: t.treeHead }));
}

/**
 * Builds the bundle's lines (without newlines; `bundleText` joins them). The range is checked as it is
 * written: a broken stored chain is refused rather than signed.
 */
export function buildBundle(input: BuildBundleInput): string[] {
  if (input.prefix.size !== input.from.seq) throw new ValidationError(`prefix frontier covers ${input.prefix.size} leaves but the range starts after seq ${input.from.seq}`);
  const header: BundleHeader = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, createdAt: input.createdAt, scope: input.scope, from: input.from, prefix: input.prefix.toHex() };
  const headerLine = canonicalJson(header);
  const lines = [headerLine];
  const chain = new ChainVerifier(input.from);
  const tree = input.prefix.clone();
  for (const e of input.entries) {
    if (!chain.push(e)) {
      const r = chain.result();
      throw new ValidationError(`the stored audit chain is broken (${r.ok ? '' : r.reason}); refusing to sign it`, [], { seq: r.ok ? undefined : r.brokenAt });
    }
    tree.push(entryLeaf(e.hash));
    lines.push(entryLine(e));
  }
  const res = chain.result();
  const unsigned = { count: lines.length - 1, head: res.head, treeHead: tree.head(), headerHash: headerHash(headerLine), consistency: input.consistency ?? [], publicKey: input.publicKey };
  const signature = bytesToHex(input.sign(signedPart(unsigned)));
  lines.push(canonicalJson({ ...unsigned, signature }));
  return lines;
}

export function bundleText(lines: readonly string[]): string {
  return lines.join('\n') + '\n';
}

// ───────────── reading ─────────────

/**
 * Random access to a bundle's lines. `at(i)` is null when line i is not valid UTF-8. Plain string arrays
 * qualify (their `at` returns strings); `finalNewline` false means the file did not end with "\n".
 */
export interface LineSource {
  readonly length: number;
  at(i: number): string | null | undefined;
  readonly finalNewline?: boolean;
}

export function splitBundleText(text: string): LineSource {
  const lines = text.split('\n');
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { length: lines.length, at: (i) => lines[i], finalNewline };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Splits raw file bytes at "\n" and decodes each line on demand, so bad UTF-8 is pinned to its line. */
export function splitBundleBytes(bytes: Uint8Array): LineSource {
  const starts: number[] = [0];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
  const finalNewline = starts[starts.length - 1] === bytes.length && bytes.length > 0;
  const length = finalNewline ? starts.length - 1 : starts.length;
  return {
    length,
    finalNewline,
    at(i) {
      if (i < 0 || i >= length) return undefined;
      const end = i + 1 < starts.length ? starts[i + 1]! - 1 : bytes.length;
      try {
        return utf8.decode(bytes.subarray(starts[i]!, end));
      } catch {
        return null;
      }
    },
  };
}
