/**
 * Anchors of the audit log outside ledger.db: every signed tree head the host stores is also appended to
 * `audit-heads.jsonl` in the data directory (one canonical JSON line each, never rewritten). On start the
 * host checks the log against the last of them: the head's signature and key, that the log still has that
 * many entries, that the stored entry at that size has the signed chain hash, and (in the background, in
 * slices, so start-up stays fast) that the chain up to it recomputes. Entry `size`'s chain hash commits to
 * every earlier entry, so a deleted, edited or re-ordered entry, even with the chain rebuilt and the DB's
 * own tree heads re-signed, no longer matches the head kept here.
 *
 * What it does not catch: someone holding the unsealed key AND the data directory can rewrite this file
 * too. Exports carried elsewhere (`kestrel verify --since`) are the anchors that survive that.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../../core/audit/canonical.ts';
import { EMPTY_HEAD } from '../../core/audit/chain.ts';
import { ChainVerifier } from '../../core/audit/verify.ts';
import { nativeLinkHash } from '../../storage/audit-hash.ts';
import type { AuditLog } from '../../storage/audit-log.ts';
import { treeHeadStatement } from '../../storage/audit-tree-heads.ts';
import { makePrivate } from '../private-files.ts';
import { ed25519Check } from './keys.ts';

export const HEADS_FILE = 'audit-heads.jsonl';

export interface AnchoredHead {
  readonly size: number;
  readonly root: string;
  readonly chainHash: string;
  readonly ts: number;
  readonly publicKey: string;
  readonly signature: string;
}

export type AnchorCheck = { readonly ok: true; readonly head: AnchoredHead | null } | { readonly ok: false; readonly head: AnchoredHead | null; readonly problem: string };

function validSignature(h: AnchoredHead): boolean {
  try {
    return ed25519Check(treeHeadStatement(h), hexToBytes(h.signature), hexToBytes(h.publicKey));
  } catch {
    return false;
  }
}

/** Appends one signed head and syncs it to disk before the caller goes on. */
export function appendAnchor(dataDir: string, h: AnchoredHead): void {
  const file = join(dataDir, HEADS_FILE);
  const line = canonicalJson({ chainHash: h.chainHash, publicKey: h.publicKey, root: h.root, signature: h.signature, size: h.size, ts: h.ts }) + '\n';
  appendFileSync(file, line, { mode: 0o600 });
  makePrivate(file);
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The last complete head in the file (a line torn by a crash mid-append is skipped), or null when there is
 * none yet. A line that is not a well-formed head is reported, never skipped: that is tampering.
 */
export function lastAnchor(dataDir: string): { head: AnchoredHead | null; problem?: string } {
  const file = join(dataDir, HEADS_FILE);
  if (!existsSync(file)) return { head: null };
  const text = readFileSync(file, 'utf8');
  // Whatever follows the last newline is a line torn by a crash mid-append (or nothing).
  const last = text.split('\n').slice(0, -1).at(-1);
  if (last === undefined) return { head: null };
  try {
    const h = JSON.parse(last) as AnchoredHead;
    const ok = Number.isSafeInteger(h.size) && h.size > 0 && /^[0-9a-f]{64}$/.test(h.root) && /^[0-9a-f]{64}$/.test(h.chainHash) && /^[0-9a-f]{64}$/.test(h.publicKey) && /^[0-9a-f]{128}$/.test(h.signature) && Number.isFinite(h.ts);
    return ok ? { head: h } : { head: null, problem: `the last line of ${HEADS_FILE} is not a signed tree head` };
  } catch {
    return { head: null, problem: `the last line of ${HEADS_FILE} is not JSON` };
  }
}

/** The quick part of the check, run on start: signature, key, size and the chain hash at that size. */
export function checkAnchor(dataDir: string, log: AuditLog, publicKey: string | null): AnchorCheck {
  const { head, problem } = lastAnchor(dataDir);
  if (problem) return { ok: false, head, problem };
  if (!head) return { ok: true, head };
  if (!validSignature(head)) return { ok: false, head, problem: `the tree head at size ${head.size} in ${HEADS_FILE} has a bad signature` };
  if (publicKey !== null && head.publicKey !== publicKey) return { ok: false, head, problem: `the tree head at size ${head.size} was signed by key ${head.publicKey.slice(0, 16)}…, not by this data directory's key ${publicKey.slice(0, 16)}…: the signing key was replaced` };
  const n = log.head().seq;
  if (n < head.size) return { ok: false, head, problem: `the audit log has ${n} entries but a tree head of ${head.size} entries was signed at ${new Date(head.ts).toISOString()}: entries were removed` };
  const at = log.read({ fromSeq: head.size, limit: 1 })[0];
  if (!at || at.seq !== head.size || at.hash !== head.chainHash) return { ok: false, head, problem: `audit entry ${head.size} no longer has the chain hash signed at ${new Date(head.ts).toISOString()} (${head.chainHash.slice(0, 12)}…): history up to it was rewritten` };
  return { ok: true, head };
}

/**
 * The slow part: recomputes the chain from the genesis up to the head, a slice at a time between event
 * loop turns (reads are paged, so no statement stays open while others run on the shared connection).
 */
export async function checkChainUpTo(log: AuditLog, head: AnchoredHead, slice = 5_000): Promise<AnchorCheck> {
  const v = new ChainVerifier(EMPTY_HEAD, nativeLinkHash);
  let next = 1;
  while (next <= head.size) {
    const page = log.read({ fromSeq: next, limit: Math.min(slice, head.size - next + 1) });
    if (!page.length) break;
    for (const link of page) if (!v.push(link)) break;
    const r = v.result();
    if (!r.ok) return { ok: false, head, problem: `the audit chain is broken at entry ${r.brokenAt} (${r.reason}), below the tree head signed at size ${head.size}: history was rewritten` };
    next = page[page.length - 1]!.seq + 1;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const r = v.result();
  if (!r.ok || r.head.seq !== head.size || r.head.hash !== head.chainHash) return { ok: false, head, problem: `the audit chain up to entry ${head.size} does not recompute to the signed chain hash: history was rewritten` };
  return { ok: true, head };
}
