/**
 * Tamper detection of exported bundles: random mutations — a flipped byte anywhere in the file, a changed
 * field, two entries swapped, an entry deleted, an entry inserted — must ALL be detected, and the first
 * problem reported must name the place that was changed (the line, and header/entry/trailer).
 *
 * Size: 10,000 mutations in every run. The bundle holds 100k events with KESTREL_FULL=1 (about a minute on
 * 2 busy cores, most of it building and verifying the bundle once) and 20k by default, which exercises
 * the same code paths and every mutation kind. The bundle is built and verified once; each mutated copy is
 * re-verified from the last checkpoint of the original before the change (the lines before it are
 * byte-identical) to the first problem; a sample is also verified in full, from scratch, to show both paths
 * name the same place. KESTREL_AUDIT_MUTATIONS / KESTREL_AUDIT_EVENTS override the sizes.
 */
import { describe, expect, it } from 'vitest';
import { chainNext } from '../../../main/core/audit/chain.ts';
import { bundleText, splitBundleBytes, splitBundleText, type LineSource } from '../../../main/core/audit/bundle.ts';
import { verifyBundle, type BundleReport, type Checkpoint } from '../../../main/core/audit/bundle-verify.ts';
import { canonicalJson } from '../../../main/core/audit/canonical.ts';
import { ed25519Check } from '../../../main/host/audit/keys.ts';
import { bundleOf, makeLog, rng } from './fixtures.ts';

const EVENTS = Number(process.env.KESTREL_AUDIT_EVENTS ?? (process.env.KESTREL_FULL === '1' ? 100_000 : 20_000));
const MUTATIONS = Number(process.env.KESTREL_AUDIT_MUTATIONS ?? 10_000);
const SKIP = 777; // the bundle starts mid-log, so the header's prefix frontier is exercised too
const EVERY = 64;

const log = makeLog(EVENTS + SKIP, 42);
const lines = bundleOf(log, SKIP);
const last = lines.length - 1;
const enc = new TextEncoder();
const checkpoints: Checkpoint[] = [];
const original = verifyBundle(lines, { checkSignature: ed25519Check, checkpointEvery: EVERY, onCheckpoint: (cp) => checkpoints.push(cp) });

/** The original lines with lines [start, start+del) replaced by `ins`. */
class Patched implements LineSource {
  readonly length: number;
  readonly finalNewline: boolean;
  private readonly start: number;
  private readonly del: number;
  private readonly ins: readonly (string | null)[];
  constructor(start: number, del: number, ins: readonly (string | null)[], finalNewline = true) {
    this.start = start;
    this.del = del;
    this.ins = ins;
    this.length = lines.length - del + ins.length;
    this.finalNewline = finalNewline;
  }
  at(i: number): string | null | undefined {
    if (i < this.start) return lines[i];
    if (i < this.start + this.ins.length) return this.ins[i - this.start];
    return lines[i - this.ins.length + this.del];
  }
}

interface Mutation {
  readonly kind: 'byte' | 'field' | 'reorder' | 'delete' | 'insert';
  readonly src: LineSource;
  /** 0-based index of the first line that differs from the original. */
  readonly first: number;
  /** Where the report must point: 'header' | 'trailer' | a 1-based entry line. */
  readonly expect: 'header' | 'trailer' | number;
  readonly what: string;
}

function placeOf(line: number): Mutation['expect'] {
  return line === 0 ? 'header' : line === last ? 'trailer' : line + 1;
}

const lineBytes = lines.map((l) => enc.encode(l).length + 1);
const offsets: number[] = [];
lineBytes.reduce((acc, n, i) => ((offsets[i] = acc), acc + n), 0);
const fileSize = offsets[last]! + lineBytes[last]!;

function lineAt(offset: number): number {
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function byteMutation(r: () => number): Mutation {
  const off = Math.floor(r() * fileSize);
  const L = lineAt(off);
  const isNewline = off === offsets[L]! + lineBytes[L]! - 1;
  // The fragment holds line L with its newline (and line L+1 when that newline is the flipped byte).
  const span = isNewline && L < last ? 2 : 1;
  const frag = enc.encode(lines.slice(L, L + span).join('\n') + '\n');
  const at = off - offsets[L]!;
  frag[at] = frag[at]! ^ (1 + Math.floor(r() * 255));
  const parts = splitBundleBytes(frag);
  const ins = Array.from({ length: parts.length }, (_, i) => parts.at(i)!);
  const fin = L === last ? parts.finalNewline !== false : true;
  return { kind: 'byte', src: new Patched(L, span, ins, fin), first: L, expect: placeOf(L), what: `byte ${off} (line ${L + 1})` };
}

function otherHex(h: string, r: () => number): string {
  const i = Math.floor(r() * h.length);
  const c = '0123456789abcdef'.replace(h[i]!, '')[Math.floor(r() * 15)]!;
  return h.slice(0, i) + c + h.slice(i + 1);
}

function fieldMutation(r: () => number): Mutation {
  const L = r() < 0.02 ? 0 : r() < 0.02 ? last : 1 + Math.floor(r() * (last - 1));
  const obj = JSON.parse(lines[L]!) as Record<string, unknown>;
  let field: string;
  if (L === 0) {
    const h = obj as { createdAt: number; scope: { note: string }; from: { seq: number; hash: string }; prefix: string[] };
    field = ['createdAt', 'scope', 'from.seq', 'from.hash', 'prefix'][Math.floor(r() * 5)]!;
    if (field === 'createdAt') h.createdAt += 1;
    else if (field === 'scope') h.scope.note += '!';
    else if (field === 'from.seq') h.from.seq += 1;
    else if (field === 'from.hash') h.from.hash = otherHex(h.from.hash, r);
    else h.prefix[Math.floor(r() * h.prefix.length)] = otherHex(h.prefix[0]!, r);
  } else if (L === last) {
    const t = obj as { count: number; head: { seq: number; hash: string }; treeHead: { size: number; root: string }; headerHash: string; publicKey: string; signature: string };
    field = ['count', 'head.seq', 'head.hash', 'treeHead.size', 'treeHead.root', 'headerHash', 'publicKey', 'signature'][Math.floor(r() * 8)]!;
    if (field === 'count') t.count -= 1;
    else if (field === 'head.seq') t.head.seq -= 1;
    else if (field === 'head.hash') t.head.hash = otherHex(t.head.hash, r);
    else if (field === 'treeHead.size') t.treeHead.size += 1;
    else if (field === 'treeHead.root') t.treeHead.root = otherHex(t.treeHead.root, r);
    else if (field === 'headerHash') t.headerHash = otherHex(t.headerHash, r);
    else if (field === 'publicKey') t.publicKey = otherHex(t.publicKey, r);
    else t.signature = otherHex(t.signature, r);
  } else {
    const e = obj as { seq: number; ts: number; kind: string; body: string; hash: string; prevHash: string };
    field = ['seq', 'ts', 'kind', 'body', 'hash', 'prevHash'][Math.floor(r() * 6)]!;
    if (field === 'seq') e.seq += r() < 0.5 ? 1 : -1;
    else if (field === 'ts') e.ts += 1 + Math.floor(r() * 1000);
    else if (field === 'kind') e.kind = e.kind === 'fill' ? 'order' : 'fill';
    else if (field === 'hash') e.hash = otherHex(e.hash, r);
    else if (field === 'prevHash') e.prevHash = otherHex(e.prevHash, r);
    else {
      // A plausible edit: one value inside the event changed, the body re-canonicalised (hash left alone).
      const b = JSON.parse(e.body) as { data: { payload: Record<string, unknown>; symbol: string } };
      if (r() < 0.5) b.data.symbol = b.data.symbol === 'BTC/USDT' ? 'ETH/USDT' : 'BTC/USDT';
      else b.data.payload = { ...b.data.payload, edited: true };
      e.body = canonicalJson(b);
    }
  }
  return { kind: 'field', src: new Patched(L, 1, [canonicalJson(obj)]), first: L, expect: placeOf(L), what: `field ${field} of line ${L + 1}` };
}

function reorderMutation(r: () => number): Mutation {
  const i = 1 + Math.floor(r() * (last - 1));
  let j = r() < 0.5 ? i + 1 : 1 + Math.floor(r() * (last - 1));
  if (j >= last || j === i) j = i === 1 ? 2 : i - 1;
  const [a, b] = i < j ? [i, j] : [j, i];
  const ins = lines.slice(a, b + 1);
  [ins[0], ins[ins.length - 1]] = [ins[ins.length - 1]!, ins[0]!];
  return { kind: 'reorder', src: new Patched(a, b - a + 1, ins), first: a, expect: a + 1, what: `swap lines ${a + 1} and ${b + 1}` };
}

function deleteMutation(r: () => number): Mutation {
  const i = r() < 0.01 ? last - 1 : 1 + Math.floor(r() * (last - 1));
  return { kind: 'delete', src: new Patched(i, 1, []), first: i, expect: i + 1, what: `delete line ${i + 1}` };
}

function insertMutation(r: () => number): Mutation {
  const i = 1 + Math.floor(r() * last); // before line i (may be the trailer: appended at the end)
  let line: string;
  const how = r();
  if (how < 0.4) line = lines[1 + Math.floor(r() * (last - 1))]!; // a copy of some entry
  else if (how < 0.6) line = lines[i - 1 === 0 ? 1 : i - 1]!; // a duplicate of the entry before
  else {
    // A well-formed forgery: correctly linked to the entry before it, with a correct hash of its own.
    const prev = JSON.parse(lines[i - 1]!) as { seq: number; hash: string; ts: number };
    const head = i - 1 === 0 ? (JSON.parse(lines[0]!) as { from: { seq: number; hash: string } }).from : { seq: prev.seq, hash: prev.hash };
    const e = chainNext(head, (prev.ts ?? 1_700_000_000_000) + 1, 'override', { type: 'override', payload: { forged: true } });
    line = canonicalJson({ body: e.body, hash: e.hash, kind: e.kind, prevHash: e.prevHash, seq: e.seq, ts: e.ts });
  }
  return { kind: 'insert', src: new Patched(i, 0, [line]), first: i, expect: i + 1, what: `insert before line ${i + 1}` };
}

const makers = [byteMutation, fieldMutation, reorderMutation, deleteMutation, insertMutation];

function checkpointFor(first: number): Checkpoint | undefined {
  let lo = 0;
  let hi = checkpoints.length - 1;
  let best: Checkpoint | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (checkpoints[mid]!.index <= first) {
      best = checkpoints[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

function named(m: Mutation, rep: BundleReport): boolean {
  const p = rep.problems[0];
  if (!p) return false;
  if (m.expect === 'header') return p.where === 'header' && p.line === 1;
  if (m.expect === 'trailer') return p.where === 'trailer';
  // A well-linked inserted entry can only show itself at the entry after it; the report then names both lines.
  return p.where === 'entry' && (p.line === m.expect || p.related === m.expect);
}

describe('signed bundle: tamper detection', () => {
  it('the untouched bundle verifies, through both the text and the byte reader', () => {
    expect(original.ok).toBe(true);
    expect(original.verified).toBe(EVENTS);
    expect(original.checks).toMatchObject({ signature: 'ok', header: 'ok', chain: 'ok', head: 'ok', tree: 'ok' });
    const text = bundleText(lines);
    expect(verifyBundle(splitBundleText(text), { checkSignature: ed25519Check }).ok).toBe(true);
  });

  it(`${MUTATIONS} random mutations of a ${EVENTS}-event bundle are all detected at the right place`, () => {
    const r = rng(7);
    const counts: Record<string, number> = {};
    const misses: string[] = [];
    for (let k = 0; k < MUTATIONS; k++) {
      const m = makers[k % makers.length]!(r);
      const cp = checkpointFor(m.first);
      const rep = verifyBundle(m.src, { checkSignature: ed25519Check, stopAtFirst: true, ...(cp ? { resume: cp } : {}) });
      counts[m.kind] = (counts[m.kind] ?? 0) + 1;
      if (rep.ok || !named(m, rep)) misses.push(`${m.what}: ${rep.ok ? 'NOT DETECTED' : JSON.stringify(rep.problems[0])}`);
      // Every 2500th mutation is also verified from scratch with all checks: same verdict, same place.
      if (k % 2500 === 0) {
        const full = verifyBundle(m.src, { checkSignature: ed25519Check });
        if (full.ok || !named(m, full)) misses.push(`(full) ${m.what}: ${full.ok ? 'NOT DETECTED' : JSON.stringify(full.problems[0])}`);
      }
    }
    expect(misses.slice(0, 20)).toEqual([]);
    for (const kind of ['byte', 'field', 'reorder', 'delete', 'insert']) expect(counts[kind]).toBeGreaterThan(0);
  }, 600_000);

  it('a bundle signed by another key is refused when the key is pinned', () => {
    const rep = verifyBundle(lines, { checkSignature: ed25519Check, expectedKey: 'ab'.repeat(32), stopAtFirst: true });
    expect(rep.ok).toBe(false);
    expect(rep.problems[0]).toMatchObject({ where: 'trailer' });
    expect(rep.problems[0]!.message).toMatch(/expected key/);
  });
});
