/**
 * The audit service of a host: lists and inspects audit events, verifies the chain and the stored tree
 * heads, stores periodic tree heads, replays a session to any event, re-runs it, and exports signed
 * bundles, HTML reports, CSV tables (and PDF where the Electron shell provides a Chromium renderer).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { buildBundle, bundleText, type BundleScope, type ConsistencyRecord } from '../../core/audit/bundle.ts';
import { verifyBundle, type BundleReport } from '../../core/audit/bundle-verify.ts';
import type { ChainedEntry } from '../../core/audit/chain.ts';
import { EMPTY_HEAD } from '../../core/audit/chain.ts';
import { Replayer, type RecordedEvent, type ReplayState } from '../../core/audit/replay.ts';
import { rerunSession, type RerunDeps, type RerunReport } from '../../core/audit/rerun.ts';
import { NotFoundError, StorageError, ValidationError } from '../../core/errors.ts';
import { AuditQuery, type AuditFilter } from '../../storage/audit-query.ts';
import { AuditTreeHeads, type StoredTreeHead } from '../../storage/audit-tree-heads.ts';
import type { AuditLog } from '../../storage/audit-log.ts';
import type { SqliteDb } from '../../storage/sqlite.ts';
import { appendAnchor, checkAnchor, checkChainUpTo, HEADS_FILE, lastAnchor, type AnchorCheck } from './anchors.ts';
import { environmentVault, type KeyVault } from './key-vault.ts';
import { ed25519Check, legacyPublicKey, loadOrCreateSigningKey, readPublicKey, unlockSigningKey, type SigningKey } from './keys.ts';
import { csvExport, htmlReport, type CsvTable } from './report.ts';
import { AuditUnits } from './units.ts';

export interface ExportScope {
  readonly session?: string;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** An earlier export's tree head: the bundle then carries the proof that it extends that head. */
  readonly since?: { readonly size: number; readonly root: string };
}

/** What the Electron shell implements with webContents.printToPDF; absent in headless mode. */
export interface PdfRenderer {
  printToPdf(html: string): Promise<Uint8Array>;
}

export interface AuditSessionInfo {
  readonly session: string;
  readonly kind: 'paper' | 'backtest';
  readonly startedAt: number;
  readonly stoppedAt: number | null;
  readonly startSeq: number;
  readonly strategyId?: string;
  readonly strategyVersion?: string;
}

export interface AuditServiceOptions {
  readonly db: SqliteDb;
  readonly log: AuditLog;
  readonly dataDir: string;
  readonly clock?: () => number;
  /** Store a tree head after this many new entries (checked on `maybeCheckpoint`). */
  readonly checkpointEvery?: number;
  /** Seals the signing key at rest; default: the headless passphrase vault (environmentVault). */
  readonly vault?: KeyVault;
}

export function eventOf(link: ChainedEntry): RecordedEvent {
  const body = JSON.parse(link.body) as { data: RecordedEvent };
  return { ...body.data, chainSeq: link.seq };
}

export class AuditService {
  readonly query: AuditQuery;
  readonly heads: AuditTreeHeads;
  readonly log: AuditLog;
  private readonly db: SqliteDb;
  private readonly dataDir: string;
  private readonly clock: () => number;
  private readonly every: number;
  private signing: SigningKey | undefined;
  private rerunDeps: RerunDeps | undefined;
  private sessionRerun: ((events: RecordedEvent[]) => RerunReport | Promise<RerunReport> | undefined) | undefined;
  private readonly vault: KeyVault;
  /** Set once the log was found not to extend its last anchored head: no new head may then be anchored. */
  private rewritten: string | null = null;
  pdf: PdfRenderer | undefined;
  private readonly instrumentUnits = new AuditUnits();
  private unitsSeq = 0;

  constructor(o: AuditServiceOptions) {
    this.query = new AuditQuery(o.db);
    this.heads = new AuditTreeHeads(o.db);
    this.log = o.log;
    this.db = o.db;
    this.dataDir = o.dataDir;
    this.clock = o.clock ?? Date.now;
    this.every = o.checkpointEvery ?? 10_000;
    this.vault = o.vault ?? environmentVault();
  }

  key(): SigningKey {
    return (this.signing ??= loadOrCreateSigningKey(this.dataDir, this.vault));
  }

  /** Unseals the key ahead of its first use, off the event loop (the host calls this on start). */
  async unlock(): Promise<SigningKey> {
    return (this.signing ??= await unlockSigningKey(this.dataDir, this.vault));
  }

  /**
   * Checks the log against the last head anchored outside ledger.db (anchors.ts): the quick checks now,
   * the chain recomputation in `full`. Once a check fails, no new head is anchored on top of that history.
   */
  checkAnchors(): { quick: AnchorCheck; full: Promise<AnchorCheck> } {
    const missing = this.seedAnchors();
    const quick: AnchorCheck = missing ? { ok: false, head: null, problem: missing } : checkAnchor(this.dataDir, this.log, readPublicKey(this.dataDir));
    if (!quick.ok) this.rewritten = quick.problem;
    const full = quick.ok && quick.head ? checkChainUpTo(this.log, quick.head) : Promise.resolve(quick);
    return {
      quick,
      full: full.then((r) => {
        if (!r.ok) this.rewritten = r.problem;
        return r;
      }),
    };
  }

  /**
   * A data directory without a heads file but with signed heads in ledger.db: upgraded from a version
   * without anchors (its plain PEM is still there), then the latest stored head becomes the first anchor;
   * otherwise the heads file was deleted, which is reported (an empty file would hide any rewrite).
   */
  private seedAnchors(): string | null {
    if (lastAnchor(this.dataDir).head) return null;
    const latest = this.heads.latest();
    if (!latest?.signature) return null;
    const legacy = legacyPublicKey(this.dataDir);
    if (legacy === null) return readPublicKey(this.dataDir) === null ? null : `${HEADS_FILE} is missing or empty, but ledger.db holds tree heads this key signed: the heads file was deleted`;
    appendAnchor(this.dataDir, { size: latest.size, root: latest.root, chainHash: latest.chainHash, ts: latest.ts, publicKey: legacy, signature: latest.signature });
    return null;
  }

  /** The host composition plugs in what a re-run needs (strategy registry, venue factory, stored bars). */
  setRerunDeps(deps: RerunDeps | undefined): void {
    this.rerunDeps = deps;
  }

  /** A re-run for sessions the generic one cannot drive (paper sessions: feed + recorded commands); undefined = not mine. */
  setSessionRerun(fn: ((events: RecordedEvent[]) => RerunReport | Promise<RerunReport> | undefined) | undefined): void {
    this.sessionRerun = fn;
  }

  /** Stores a signed tree head in ledger.db and anchors it in the heads file. */
  checkpoint(): StoredTreeHead | null {
    if (this.rewritten === null) {
      const c = checkAnchor(this.dataDir, this.log, readPublicKey(this.dataDir));
      if (!c.ok) this.rewritten = c.problem;
    }
    if (this.rewritten !== null) throw new StorageError(`Refusing to sign a tree head: ${this.rewritten}`);
    const k = this.key();
    const stored = this.heads.checkpoint(this.log, this.clock(), k.sign);
    if (stored?.signature) appendAnchor(this.dataDir, { size: stored.size, root: stored.root, chainHash: stored.chainHash, ts: stored.ts, publicKey: k.publicKey, signature: stored.signature });
    return stored;
  }

  /** Stores a tree head when at least `checkpointEvery` entries arrived since the last (for a timer). */
  maybeCheckpoint(): StoredTreeHead | null {
    const last = this.heads.latest()?.size ?? 0;
    return this.log.head().seq - last >= this.every ? this.checkpoint() : null;
  }

  treeHead(): { current: { size: number; root: string; chainHash: string }; stored: StoredTreeHead | null; keyId: string } {
    const head = this.log.head();
    const f = this.heads.frontierAt(this.log, head.seq);
    return { current: { size: f.size, root: bytesToHex(f.root()), chainHash: head.hash }, stored: this.heads.latest(), keyId: this.key().keyId };
  }

  verify(): { chain: ReturnType<AuditLog['verify']>; heads: ReturnType<AuditTreeHeads['verifyAll']> } {
    return { chain: this.log.verify(), heads: this.heads.verifyAll(this.log) };
  }

  event(seq: number): { link: ChainedEntry; event: RecordedEvent; inclusion: ReturnType<AuditTreeHeads['inclusion']> } {
    const link = this.query.get(seq);
    if (!link) throw new NotFoundError('audit event', String(seq));
    return { link, event: eventOf(link), inclusion: this.heads.inclusion(this.log, seq, this.log.head().seq) };
  }

  /** Instruments every session declared (learned incrementally from new session-start events). */
  units(): AuditUnits {
    const rows = this.db.prepare("SELECT seq, body FROM audit_log WHERE kind = 'session-start' AND seq > ? ORDER BY seq").all(this.unitsSeq) as { seq: number; body: string }[];
    for (const r of rows) {
      this.instrumentUnits.learn((JSON.parse(r.body) as { data: RecordedEvent }).data);
      this.unitsSeq = r.seq;
    }
    return this.instrumentUnits;
  }

  sessionEvents(session: string): RecordedEvent[] {
    const out = [...this.query.iterate({ session })].map(eventOf);
    if (!out.length) throw new NotFoundError('audit session', session);
    return out;
  }

  /**
   * The sessions the log knows (newest first), from their session-start events: paper sessions (demo feed)
   * and recorded backtests (stored bars), with strategy and time span. Capped: a picker, not a report.
   */
  sessions(limit = 200): AuditSessionInfo[] {
    const starts = this.db.prepare("SELECT seq, ts, body FROM audit_log WHERE kind = 'session-start' ORDER BY seq DESC LIMIT ?").all(limit) as { seq: number; ts: number; body: string }[];
    const stops = new Map<string, number>();
    for (const r of this.db.prepare("SELECT ts, json_extract(body, '$.data.session') AS session FROM audit_log WHERE kind = 'session-stop' AND seq >= ?").all(starts.at(-1)?.seq ?? 0) as { ts: number; session: string | null }[]) {
      if (r.session !== null) stops.set(r.session, r.ts);
    }
    const out: AuditSessionInfo[] = [];
    for (const r of starts) {
      const e = (JSON.parse(r.body) as { data: RecordedEvent }).data;
      if (!e.session) continue;
      const cfg = (e.payload as { config?: { strategy?: { id: string; version: string }; data?: { feed?: unknown } } }).config;
      out.push({
        session: e.session, kind: cfg?.data?.feed === 'demo' || cfg?.data?.feed === 'prints' ? 'paper' : 'backtest', startedAt: r.ts, stoppedAt: stops.get(e.session) ?? null, startSeq: r.seq,
        ...(cfg?.strategy ? { strategyId: cfg.strategy.id, strategyVersion: cfg.strategy.version } : {}),
      });
    }
    return out;
  }

  /** State after the session's event `index`, or after the event stored at chain seq `seq`. */
  replay(session: string, at: { index?: number; seq?: number }): ReplayState & { total: number } {
    const events = this.sessionEvents(session);
    let index = at.index ?? events.length - 1;
    if (at.seq !== undefined) {
      index = events.findLastIndex((e) => (e.chainSeq ?? 0) <= at.seq!);
      if (index < 0) throw new ValidationError(`session ${session} has no event at or before chain seq ${at.seq}`);
    }
    return { ...new Replayer(events).seek(index), total: events.length };
  }

  /** Synchronous, except a recorded code-strategy backtest: that re-runs in its own worker. */
  rerun(session: string): RerunReport | Promise<RerunReport> {
    const events = this.sessionEvents(session);
    const own = this.sessionRerun?.(events);
    if (own) return own;
    if (!this.rerunDeps) throw new ValidationError('re-run is not available in this host: no strategy registry / venue factory was plugged in (setRerunDeps)');
    return rerunSession(events, this.rerunDeps);
  }

  /** The contiguous chain range a scope covers (a session's first to last entry, a time range, or seqs). */
  range(scope: ExportScope): { from: number; to: number } {
    const f: AuditFilter = {
      ...(scope.session !== undefined ? { session: scope.session } : {}),
      ...(scope.fromTs !== undefined ? { fromTs: scope.fromTs } : {}),
      ...(scope.toTs !== undefined ? { toTs: scope.toTs } : {}),
      ...(scope.fromSeq !== undefined ? { fromSeq: scope.fromSeq } : {}),
      ...(scope.toSeq !== undefined ? { toSeq: scope.toSeq } : {}),
    };
    const ext = this.query.extent(f);
    if (!ext) throw new NotFoundError('audit events in scope', JSON.stringify(scope));
    return { from: ext.from, to: ext.to };
  }

  /** A signed bundle of the scope's contiguous chain range (entries of other sessions inside it included). */
  exportBundle(scope: ExportScope): { text: string; entries: number; treeHead: { size: number; root: string }; keyId: string } {
    const { from, to } = this.range(scope);
    const prefix = this.heads.frontierAt(this.log, from - 1);
    const before = from > 1 ? this.query.get(from - 1)! : null;
    const consistency: ConsistencyRecord[] = [];
    if (scope.since) {
      const c = this.heads.consistency(this.log, scope.since.size, to);
      if (c.from.root !== scope.since.root) throw new ValidationError(`the log's tree at size ${scope.since.size} has root ${c.from.root.slice(0, 12)}…, not ${scope.since.root.slice(0, 12)}…: it is not an extension of that export`);
      consistency.push({ size: c.from.size, root: c.from.root, proof: c.proof });
    }
    const bscope: BundleScope = { ...(scope.session !== undefined ? { session: scope.session } : {}), ...(scope.fromTs !== undefined ? { fromTs: scope.fromTs } : {}), ...(scope.toTs !== undefined ? { toTs: scope.toTs } : {}) };
    const k = this.key();
    const lines = buildBundle({
      entries: this.query.iterate({ fromSeq: from, toSeq: to }),
      from: before ? { seq: before.seq, hash: before.hash } : EMPTY_HEAD,
      prefix,
      scope: bscope,
      createdAt: this.clock(),
      publicKey: k.publicKey,
      sign: k.sign,
      consistency,
    });
    const trailer = JSON.parse(lines[lines.length - 1]!) as { treeHead: { size: number; root: string } };
    return { text: bundleText(lines), entries: lines.length - 2, treeHead: trailer.treeHead, keyId: k.keyId };
  }

  private scopedEvents(scope: ExportScope): RecordedEvent[] {
    const { from, to } = this.range(scope);
    const out: RecordedEvent[] = [];
    for (const l of this.query.iterate({ fromSeq: from, toSeq: to })) {
      const e = eventOf(l);
      if (scope.session === undefined || e.session === scope.session) out.push(e);
    }
    return out;
  }

  exportHtml(scope: ExportScope): { html: string; verification: BundleReport } {
    const bundle = this.exportBundle(scope);
    const verification = verifyBundle(bundle.text.split('\n').slice(0, -1), { checkSignature: ed25519Check, expectedKey: this.key().publicKey });
    const title = `Kestrel audit report — ${scope.session ? `session ${scope.session}` : 'time range'}`;
    return { html: htmlReport({ title, scope: { ...scope }, events: this.scopedEvents(scope), verification, generatedAt: this.clock(), units: this.units() }), verification };
  }

  exportCsv(scope: ExportScope, table: CsvTable): string {
    return csvExport(table, this.scopedEvents(scope), this.units());
  }

  /** PDF through the shell's Chromium (printToPDF); headless hosts have none and say so. */
  async exportPdf(scope: ExportScope): Promise<{ pdf: Uint8Array } | { skipped: string }> {
    if (!this.pdf) return { skipped: 'PDF needs a Chromium renderer (Electron printToPDF); this host runs headless. Use the HTML report and print it from a browser.' };
    return { pdf: await this.pdf.printToPdf(this.exportHtml(scope).html) };
  }
}
