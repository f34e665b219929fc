/**
 * Merkle tree heads over the audit log, RFC 6962 / RFC 9162 style: leaf hash = SHA-256(0x00 ‖ leaf),
 * node hash = SHA-256(0x01 ‖ left ‖ right), and the tree over n leaves splits at the largest power of two
 * below n. The domain-separation bytes stop a leaf from being passed off as an inner node.
 *
 * The leaf input of audit entry `seq` is its 32-byte chain hash (chain.ts), which already commits to the
 * entry body and everything before it; so a tree head commits to the same history as the chain head, but
 * lets one entry's inclusion, or two heads' consistency, be proven with O(log n) hashes.
 *
 * `MerkleFrontier` keeps only the roots of the perfect subtrees covering the leaves so far (one per set
 * bit of n): appending is amortised O(1), the root is O(log n), and a frontier stored with a tree head lets
 * a later head, or a bundle starting mid-log, be computed without re-reading earlier entries.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export type Hash = Uint8Array;

export interface TreeHead {
  readonly size: number;
  /** Hex SHA-256 root (the hash of the empty string for size 0). */
  readonly root: string;
}

export const EMPTY_ROOT = bytesToHex(sha256(new Uint8Array(0)));

const leafBuf = new Uint8Array(33);
const nodeBuf = new Uint8Array(65);
nodeBuf[0] = 1;

/** SHA-256(0x00 ‖ data). For 32-byte inputs (chain hashes) this reuses one buffer. */
export function leafHash(data: Uint8Array): Hash {
  if (data.length === 32) {
    leafBuf.set(data, 1);
    return sha256(leafBuf);
  }
  const b = new Uint8Array(data.length + 1);
  b.set(data, 1);
  return sha256(b);
}

/** The leaf hash of an audit entry from its hex chain hash. */
export function entryLeaf(chainHashHex: string): Hash {
  return leafHash(hexToBytes(chainHashHex));
}

export function nodeHash(left: Hash, right: Hash): Hash {
  nodeBuf.set(left, 1);
  nodeBuf.set(right, 33);
  return sha256(nodeBuf);
}

function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes [lo, hi). */
export function subtreeRoot(leaves: readonly Hash[], lo = 0, hi = leaves.length): Hash {
  const n = hi - lo;
  if (n === 0) return hexToBytes(EMPTY_ROOT);
  if (n === 1) return leaves[lo]!;
  const k = largestPow2Below(n);
  return nodeHash(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
}

export class MerkleFrontier {
  private size_: number;
  /** Perfect-subtree roots, largest (leftmost) first. */
  private readonly nodes: Hash[];

  constructor(size = 0, nodes: readonly Hash[] = []) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`frontier size must be a non-negative integer, got ${size}`);
    if (nodes.length !== popcount(size)) throw new RangeError(`a frontier of ${size} leaves has ${popcount(size)} nodes, got ${nodes.length}`);
    for (const h of nodes) if (!(h instanceof Uint8Array) || h.length !== 32) throw new RangeError('frontier nodes must be 32-byte hashes');
    this.size_ = size;
    this.nodes = [...nodes];
  }

  static fromHex(size: number, nodes: readonly string[]): MerkleFrontier {
    return new MerkleFrontier(size, nodes.map((h) => hexToBytes(h)));
  }

  get size(): number {
    return this.size_;
  }

  push(leaf: Hash): void {
    let h = leaf;
    let n = this.size_;
    // Each trailing 1-bit of n is a perfect subtree of the same size as the carry: merge them.
    while (n % 2 === 1) {
      h = nodeHash(this.nodes.pop()!, h);
      n = Math.floor(n / 2);
    }
    this.nodes.push(h);
    this.size_++;
  }

  root(): Hash {
    if (this.nodes.length === 0) return hexToBytes(EMPTY_ROOT);
    let r = this.nodes[this.nodes.length - 1]!;
    for (let i = this.nodes.length - 2; i >= 0; i--) r = nodeHash(this.nodes[i]!, r);
    return r;
  }

  head(): TreeHead {
    return { size: this.size_, root: bytesToHex(this.root()) };
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.size_, this.nodes);
  }

  toHex(): string[] {
    return this.nodes.map((h) => bytesToHex(h));
  }
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) c += x & 1;
  return c;
}

// ───────────── inclusion ─────────────

/** Audit path for leaf `index` (0-based) in the tree over all of `leaves` (RFC 6962 §2.1.1). */
export function inclusionProof(leaves: readonly Hash[], index: number): Hash[] {
  if (!(index >= 0 && index < leaves.length)) throw new RangeError(`leaf ${index} is outside a tree of ${leaves.length}`);
  const out: Hash[] = [];
  path(leaves, index, 0, leaves.length, out);
  return out;
}

function path(leaves: readonly Hash[], m: number, lo: number, hi: number, out: Hash[]): void {
  const n = hi - lo;
  if (n <= 1) return;
  const k = largestPow2Below(n);
  if (m < k) {
    path(leaves, m, lo, lo + k, out);
    out.push(subtreeRoot(leaves, lo + k, hi));
  } else {
    path(leaves, m - k, lo + k, hi, out);
    out.push(subtreeRoot(leaves, lo, lo + k));
  }
}

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

// ───────────── consistency ─────────────

/** Proof that the tree over the first `m` leaves is a prefix of the tree over all of `leaves` (RFC 6962 §2.1.2). */
export function consistencyProof(leaves: readonly Hash[], m: number): Hash[] {
  const n = leaves.length;
  if (!(m >= 0 && m <= n)) throw new RangeError(`cannot prove size ${m} against a tree of ${n}`);
  const out: Hash[] = [];
  if (m === 0 || m === n) return out;
  subproof(leaves, m, 0, n, true, out);
  return out;
}

function subproof(leaves: readonly Hash[], m: number, lo: number, hi: number, complete: boolean, out: Hash[]): void {
  const n = hi - lo;
  if (m === n) {
    if (!complete) out.push(subtreeRoot(leaves, lo, hi));
    return;
  }
  const k = largestPow2Below(n);
  if (m <= k) {
    subproof(leaves, m, lo, lo + k, complete, out);
    out.push(subtreeRoot(leaves, lo + k, hi));
  } else {
    subproof(leaves, m - k, lo + k, hi, false, out);
    out.push(subtreeRoot(leaves, lo, lo + k));
  }
}

/** RFC 9162 §2.1.4.2: true when `second` extends `first` without rewriting any of its leaves. */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): boolean {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(second) && first >= 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  // Every tree extends the empty one; there is nothing to prove.
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPow2(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export { bytesToHex, hexToBytes };
