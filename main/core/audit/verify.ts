/**
 * Walks a stored audit chain and names the first broken link. Streaming (one link at a time) so a worker
 * can verify millions of entries without holding them in memory.
 */
import { EMPTY_HEAD, linkHash, type ChainHead, type ChainedEntry, type LinkHasher } from './chain.ts';

export type VerifyResult =
  | { readonly ok: true; readonly count: number; readonly head: ChainHead }
  | {
      readonly ok: false;
      /** Links checked before the broken one. */
      readonly count: number;
      /** seq of the first position in the chain that does not verify (for a gap: the missing seq). */
      readonly brokenAt: number;
      readonly reason: string;
      /** The last head that verified. */
      readonly head: ChainHead;
    };

export class ChainVerifier {
  private head: ChainHead;
  private count = 0;
  private broken: Extract<VerifyResult, { ok: false }> | null = null;
  private readonly hash: LinkHasher;

  /** `from` is a trusted head to resume after (default: the genesis); `hash` the link hasher (chain.ts). */
  constructor(from: ChainHead = EMPTY_HEAD, hash: LinkHasher = linkHash) {
    this.head = from;
    this.hash = hash;
  }

  /** Checks one link; returns false once the chain is broken (further links are ignored). */
  push(link: ChainedEntry): boolean {
    if (this.broken) return false;
    const reason = this.check(link);
    if (reason !== null) {
      this.broken = { ok: false, count: this.count, brokenAt: this.head.seq + 1, reason, head: this.head };
      return false;
    }
    this.head = { seq: link.seq, hash: link.hash };
    this.count++;
    return true;
  }

  result(): VerifyResult {
    return this.broken ?? { ok: true, count: this.count, head: this.head };
  }

  private check(link: ChainedEntry): string | null {
    const expectedSeq = this.head.seq + 1;
    if (link.seq !== expectedSeq) return link.seq > expectedSeq ? `gap: expected seq ${expectedSeq}, found ${link.seq}` : `out of order: expected seq ${expectedSeq}, found ${link.seq}`;
    if (link.prevHash !== this.head.hash) return `previous-hash mismatch at seq ${link.seq}: stored ${short(link.prevHash)}, chain has ${short(this.head.hash)}`;
    let recomputed: string;
    try {
      recomputed = this.hash(this.head.hash, link.body);
    } catch (e) {
      return `unhashable entry at seq ${link.seq}: ${(e as Error).message}`;
    }
    if (recomputed !== link.hash) return `hash mismatch at seq ${link.seq}: stored ${short(link.hash)}, body hashes to ${short(recomputed)}`;
    // The hash covers the body; the columns beside it must say the same thing or a reader could be misled.
    let parsed: { seq?: unknown; ts?: unknown; kind?: unknown };
    try {
      parsed = JSON.parse(link.body) as typeof parsed;
    } catch {
      return `body at seq ${link.seq} is not valid JSON`;
    }
    if (parsed.seq !== link.seq || parsed.ts !== link.ts || parsed.kind !== link.kind) return `stored seq/ts/kind at seq ${link.seq} differ from its hashed body`;
    return null;
  }
}

export function verifyChain(links: Iterable<ChainedEntry>, from: ChainHead = EMPTY_HEAD, hash: LinkHasher = linkHash): VerifyResult {
  const v = new ChainVerifier(from, hash);
  for (const l of links) if (!v.push(l)) break;
  return v.result();
}

function short(h: string): string {
  return typeof h === 'string' ? `${h.slice(0, 12)}…` : String(h);
}
