/**
 * Offline verification of a signed audit bundle (bundle.ts). Checks, in this order, and names the line
 * (1-based, as an editor shows it) and entry seq of each problem:
 *
 *   1. every line is valid UTF-8, valid JSON, canonical, and has the right shape;
 *   2. the trailer's Ed25519 signature (and, when given, that the key is the expected one);
 *   3. the header is the one the trailer signed (SHA-256 of the header line);
 *   4. the chain from the header's `from` head, link by link (chain.ts / verify.ts), no duplicates;
 *   5. the chain ends exactly at the signed head with the signed count;
 *   6. the Merkle tree head recomputed from the header's prefix frontier plus the entries;
 *   7. each consistency proof in the trailer against the earlier head it names.
 *
 * Why this order names the right place: the trailer is checked by its own signature before it is trusted to
 * judge the header, and the header before it is trusted to anchor the entries; an entry problem is the first
 * link that does not follow from everything verified before it.
 *
 * `resume` + `onCheckpoint` let a caller that has verified a bundle once re-verify a copy that is known to
 * share its first lines from a checkpoint (the mutation tests do this 10,000 times).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonical.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION, headerHash, signedPart, type BundleHeader, type BundleTrailer, type LineSource, type SignatureCheck } from './bundle.ts';
import type { ChainHead, ChainedEntry } from './chain.ts';
import { entryLeaf, MerkleFrontier, verifyConsistency } from './merkle.ts';
import { ChainVerifier } from './verify.ts';

export type ProblemPlace = 'file' | 'header' | 'entry' | 'trailer';

export interface BundleProblem {
  readonly where: ProblemPlace;
  /** 1-based line of the file; 0 for the file as a whole. */
  readonly line: number;
  /** The entry seq the problem is at (for entries: the seq expected at that line). */
  readonly seq?: number;
  /** A second line involved (a duplicated seq). */
  readonly related?: number;
  readonly message: string;
}

export type CheckState = 'ok' | 'failed' | 'skipped';

export interface BundleReport {
  readonly ok: boolean;
  readonly problems: readonly BundleProblem[];
  readonly checks: { structure: CheckState; signature: CheckState; header: CheckState; chain: CheckState; head: CheckState; tree: CheckState; consistency: CheckState };
  readonly header?: BundleHeader;
  readonly trailer?: BundleTrailer;
  /** Entries whose link verified. */
  readonly verified: number;
  /** SHA-256 fingerprint of the signing key (first 16 hex), for pinning. */
  readonly keyId?: string;
}

export interface Checkpoint {
  /** Index (0-based) of the next line to read. */
  readonly index: number;
  readonly chain: ChainHead;
  readonly frontier: MerkleFrontier;
  readonly verified: number;
}

export interface VerifyBundleOptions {
  readonly checkSignature: SignatureCheck;
  /** Hex public key the bundle must be signed with. */
  readonly expectedKey?: string;
  readonly stopAtFirst?: boolean;
  readonly resume?: Checkpoint;
  readonly checkpointEvery?: number;
  onCheckpoint?(cp: Checkpoint): void;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

export function keyId(publicKeyHex: string): string {
  return HEX64.test(publicKeyHex) ? bytesToHex(sha256(hexToBytes(publicKeyHex))).slice(0, 16) : 'invalid-key';
}

class Stop extends Error {}

export function verifyBundle(src: LineSource, opts: VerifyBundleOptions): BundleReport {
  const problems: BundleProblem[] = [];
  const checks: { -readonly [K in keyof BundleReport['checks']]: CheckState } = { structure: 'ok', signature: 'skipped', header: 'skipped', chain: 'skipped', head: 'skipped', tree: 'skipped', consistency: 'skipped' };
  let header: BundleHeader | undefined;
  let trailer: BundleTrailer | undefined;
  let verified = 0;
  const fail = (p: BundleProblem, check: keyof typeof checks) => {
    problems.push(p);
    checks[check] = 'failed';
    if (opts.stopAtFirst) throw new Stop();
  };
  try {
    if (src.length < 2) fail({ where: 'file', line: 0, message: `a bundle has at least a header and a trailer line; this file has ${src.length} line(s)` }, 'structure');
    const last = src.length - 1;
    // ── trailer first: it is what the signature protects ──
    const t = parseLine(src, last, 'trailer');
    if (typeof t === 'string') fail({ where: 'trailer', line: last + 1, message: t }, 'structure');
    else {
      const shape = trailerShape(t);
      if (shape) fail({ where: 'trailer', line: last + 1, message: shape }, 'structure');
      else trailer = t as unknown as BundleTrailer;
    }
    if (src.finalNewline === false) fail({ where: 'trailer', line: last + 1, message: 'the file does not end with a newline after the trailer (truncated?)' }, 'structure');
    if (trailer) {
      const { signature, ...unsigned } = trailer;
      let good = false;
      try {
        good = opts.checkSignature(signedPart(unsigned), hexToBytes(signature), hexToBytes(trailer.publicKey));
      } catch {
        good = false;
      }
      checks.signature = good ? 'ok' : 'failed';
      if (!good) fail({ where: 'trailer', line: last + 1, message: 'the Ed25519 signature does not match the trailer: the trailer (count, head, tree head, header hash, consistency or key) was altered, or it was not signed by this key' }, 'signature');
      if (opts.expectedKey !== undefined && opts.expectedKey.toLowerCase() !== trailer.publicKey) fail({ where: 'trailer', line: last + 1, message: `signed by key ${keyId(trailer.publicKey)}, not by the expected key ${keyId(opts.expectedKey.toLowerCase())}` }, 'signature');
    }
    // ── header ──
    const h = parseLine(src, 0, 'header');
    if (typeof h === 'string') fail({ where: 'header', line: 1, message: h }, 'structure');
    else {
      const shape = headerShape(h);
      if (shape) fail({ where: 'header', line: 1, message: shape }, 'structure');
      else header = h as unknown as BundleHeader;
    }
    if (header && trailer) {
      const got = headerHash(src.at(0)!);
      checks.header = got === trailer.headerHash ? 'ok' : 'failed';
      if (got !== trailer.headerHash) fail({ where: 'header', line: 1, message: `the header is not the one that was signed (SHA-256 ${got.slice(0, 12)}…, signed ${trailer.headerHash.slice(0, 12)}…): scope, start head or prefix was altered` }, 'header');
    }
    if (!header) return done();
    // ── entries ──
    let frontier: MerkleFrontier;
    try {
      frontier = opts.resume ? opts.resume.frontier.clone() : MerkleFrontier.fromHex(header.from.seq, header.prefix);
    } catch (e) {
      fail({ where: 'header', line: 1, message: `the prefix frontier does not fit the start seq ${header.from.seq}: ${(e as Error).message}` }, 'structure');
      return done();
    }
    const chain = new ChainVerifier(opts.resume ? opts.resume.chain : header.from);
    let head: ChainHead = opts.resume ? opts.resume.chain : header.from;
    verified = opts.resume?.verified ?? 0;
    checks.chain = 'ok';
    let prevLine = 0;
    const every = opts.checkpointEvery ?? 0;
    let i = opts.resume?.index ?? 1;
    let chainBroken = false;
    for (; i < last; i++) {
      if (every > 0 && opts.onCheckpoint && (i - 1) % every === 0) opts.onCheckpoint({ index: i, chain: head, frontier: frontier.clone(), verified });
      const expected = head.seq + 1;
      const p = parseLine(src, i, `entry line`);
      if (typeof p === 'string') {
        fail({ where: 'entry', line: i + 1, seq: expected, message: `entry seq ${expected} expected here: ${p}` }, 'chain');
        chainBroken = true;
        break;
      }
      const shape = entryShape(p);
      if (shape) {
        fail({ where: 'entry', line: i + 1, seq: expected, message: `entry seq ${expected} expected here: ${shape}` }, 'chain');
        chainBroken = true;
        break;
      }
      const e = p as unknown as ChainedEntry;
      if (e.seq === head.seq && head.seq > header.from.seq && e.hash === head.hash) {
        fail({ where: 'entry', line: i + 1, seq: e.seq, related: prevLine, message: `seq ${e.seq} appears twice (lines ${prevLine} and ${i + 1}): an entry was duplicated or inserted` }, 'chain');
        chainBroken = true;
        break;
      }
      if (e.seq === head.seq && head.seq > header.from.seq) {
        fail({ where: 'entry', line: i + 1, seq: e.seq, related: prevLine, message: `seq ${e.seq} appears twice (lines ${prevLine} and ${i + 1}) with different content: an entry was inserted or rewritten` }, 'chain');
        chainBroken = true;
        break;
      }
      if (!chain.push(e)) {
        const r = chain.result();
        fail({ where: 'entry', line: i + 1, seq: expected, message: r.ok ? 'chain broken' : r.reason }, 'chain');
        chainBroken = true;
        break;
      }
      if (trailer && e.seq > trailer.head.seq) {
        fail({ where: 'entry', line: i + 1, seq: e.seq, message: `entry seq ${e.seq} lies beyond the signed head (seq ${trailer.head.seq}): it was appended after signing` }, 'head');
        chainBroken = true;
        break;
      }
      head = { seq: e.seq, hash: e.hash };
      frontier.push(entryLeaf(e.hash));
      verified++;
      prevLine = i + 1;
    }
    if (!chainBroken && trailer) {
      checks.head = 'ok';
      if (head.seq < trailer.head.seq) fail({ where: 'entry', line: last + 1, seq: head.seq + 1, message: `entries stop at seq ${head.seq} but the signed head is seq ${trailer.head.seq}: entry seq ${head.seq + 1} is missing here` }, 'head');
      else if (head.hash !== trailer.head.hash) fail({ where: 'trailer', line: last + 1, seq: head.seq, message: `the chain ends in ${head.hash.slice(0, 12)}… but the signed head is ${trailer.head.hash.slice(0, 12)}…` }, 'head');
      else if (verified !== trailer.count && !opts.resume) fail({ where: 'trailer', line: last + 1, message: `the trailer counts ${trailer.count} entries; the file holds ${verified}` }, 'head');
      const root = frontier.head();
      checks.tree = root.size === trailer.treeHead.size && root.root === trailer.treeHead.root ? 'ok' : 'failed';
      if (checks.tree === 'failed') fail({ where: 'trailer', line: last + 1, message: `the Merkle tree head recomputed from the entries (size ${root.size}, root ${root.root.slice(0, 12)}…) differs from the signed one (size ${trailer.treeHead.size}, root ${trailer.treeHead.root.slice(0, 12)}…)` }, 'tree');
      if (trailer.consistency.length) {
        checks.consistency = 'ok';
        for (const c of trailer.consistency) {
          const ok = verifyConsistency(c.size, trailer.treeHead.size, hexToBytes(c.root), hexToBytes(trailer.treeHead.root), c.proof.map((x) => hexToBytes(x)));
          if (!ok) fail({ where: 'trailer', line: last + 1, message: `the consistency proof from the earlier tree head (size ${c.size}, root ${c.root.slice(0, 12)}…) does not verify: history before it was rewritten` }, 'consistency');
        }
      }
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return done();

  function done(): BundleReport {
    return { ok: problems.length === 0, problems, checks, header, trailer, verified, ...(trailer ? { keyId: keyId(trailer.publicKey) } : {}) };
  }
}

/** Parses one line as canonical JSON; returns the object or a message. */
function parseLine(src: LineSource, i: number, what: string): Record<string, unknown> | string {
  const line = src.at(i);
  if (line === null) return `${what} is not valid UTF-8`;
  if (line === undefined) return `${what} is missing`;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return `${what} is not valid JSON (${(e as Error).message})`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${what} is not a JSON object`;
  let canon: string;
  try {
    canon = canonicalJson(v);
  } catch (e) {
    return `${what} cannot be canonicalised: ${(e as Error).message}`;
  }
  if (canon !== line) return `${what} is not in canonical form (bytes were changed without changing its JSON value, or it was re-encoded)`;
  return v as Record<string, unknown>;
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isHead = (v: unknown): boolean => typeof v === 'object' && v !== null && isInt((v as ChainHead).seq) && typeof (v as ChainHead).hash === 'string' && HEX64.test((v as ChainHead).hash);

function entryShape(p: Record<string, unknown>): string | null {
  const keys = Object.keys(p).join(',');
  if (keys !== 'body,hash,kind,prevHash,seq,ts') return `unexpected fields (${keys})`;
  if (!isInt(p.seq, 1)) return 'seq is not a positive integer';
  if (typeof p.ts !== 'number' || !Number.isSafeInteger(p.ts)) return 'ts is not an integer';
  if (typeof p.kind !== 'string' || p.kind === '') return 'kind is not a non-empty string';
  if (typeof p.body !== 'string') return 'body is not a string';
  if (typeof p.hash !== 'string' || !HEX64.test(p.hash)) return 'hash is not 64 lowercase hex digits';
  if (typeof p.prevHash !== 'string' || !HEX64.test(p.prevHash)) return 'prevHash is not 64 lowercase hex digits';
  return null;
}

function headerShape(p: Record<string, unknown>): string | null {
  if (p.format !== BUNDLE_FORMAT) return `not a Kestrel audit bundle (format ${JSON.stringify(p.format)})`;
  if (p.version !== BUNDLE_VERSION) return `bundle version ${JSON.stringify(p.version)} is not supported (this verifier reads ${BUNDLE_VERSION})`;
  if (!isInt(p.createdAt)) return 'createdAt is not an integer';
  if (typeof p.scope !== 'object' || p.scope === null || Array.isArray(p.scope)) return 'scope is not an object';
  if (!isHead(p.from)) return 'from is not a chain head {seq, hash}';
  if (!Array.isArray(p.prefix) || !p.prefix.every((x) => typeof x === 'string' && HEX64.test(x))) return 'prefix is not a list of hex hashes';
  return null;
}

function trailerShape(p: Record<string, unknown>): string | null {
  if (!isInt(p.count)) return 'count is not an integer';
  if (!isHead(p.head)) return 'head is not a chain head {seq, hash}';
  const th = p.treeHead as { size?: unknown; root?: unknown } | null;
  if (typeof th !== 'object' || th === null || !isInt(th.size) || typeof th.root !== 'string' || !HEX64.test(th.root)) return 'treeHead is not {size, root}';
  if (typeof p.headerHash !== 'string' || !HEX64.test(p.headerHash)) return 'headerHash is not a hex hash';
  if (typeof p.publicKey !== 'string' || !HEX64.test(p.publicKey)) return 'publicKey is not a 32-byte hex key';
  if (typeof p.signature !== 'string' || !HEX128.test(p.signature)) return 'signature is not a 64-byte hex signature';
  if (!Array.isArray(p.consistency)) return 'consistency is not a list';
  for (const c of p.consistency as unknown[]) {
    const r = c as ConsistencyLike;
    if (typeof r !== 'object' || r === null || !isInt(r.size) || typeof r.root !== 'string' || !HEX64.test(r.root) || !Array.isArray(r.proof) || !r.proof.every((x) => typeof x === 'string' && HEX64.test(x))) return 'a consistency record is not {size, root, proof}';
  }
  return null;
}

interface ConsistencyLike {
  size?: unknown;
  root?: unknown;
  proof?: unknown[];
}

/** Reads a problem list the way the CLI prints it. */
export function describeProblem(p: BundleProblem): string {
  const at = p.line === 0 ? 'file' : `line ${p.line} (${p.where}${p.seq !== undefined ? ` seq ${p.seq}` : ''})`;
  return `${at}: ${p.message}`;
}

