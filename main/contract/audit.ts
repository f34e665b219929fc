/**
 * The audit contract: browse the hash-chained log, inspect one event with its Merkle inclusion proof,
 * verify the chain and the stored tree heads, replay a session to any event, re-run it against the
 * recorded data, and export signed bundles, HTML reports, CSV tables and PDFs.
 */
import { z } from 'zod';
import { command, empty, id, req, text, uint8Array } from './define.ts';

const seq = () => z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const ms = () => z.number().int().min(0).max(8_640_000_000_000_000);
const hex64 = () => z.string().regex(/^[0-9a-f]{64}$/);

export const AUDIT_EVENT_TYPES = ['signal', 'risk-verdict', 'order', 'fill', 'trading-state', 'risk-alert', 'funding', 'override', 'session-start', 'session-stop', 'config-change', 'bar', 'prints'] as const;

const Scope = req({
  session: id().optional(),
  fromTs: ms().optional(),
  toTs: ms().optional(),
  fromSeq: seq().optional(),
  toSeq: seq().optional(),
});

const TreeHead = z.object({ size: z.number().int().nonnegative(), root: z.string() });
const ChainHead = z.object({ seq: z.number().int().nonnegative(), hash: z.string() });

export const AuditEventRow = z.object({
  seq: z.number().int(),
  ts: z.number().int(),
  utc: z.string(),
  type: z.string(),
  session: z.string().optional(),
  sessionSeq: z.number().int().optional(),
  symbol: z.string().optional(),
  strategyVersion: z.string().optional(),
  venueTs: z.number().optional(),
  hash: z.string(),
  payload: z.record(z.unknown()),
  /** The event in a person's units (prices, quantities, money of the instrument); the payload keeps the raw integers. */
  summary: z.string().optional(),
});
export type AuditEventRow = z.infer<typeof AuditEventRow>;

const ReplayOrder = z.object({
  clientOrderId: z.string(), symbol: z.string(), side: z.string(), type: z.string(), state: z.string(), qty: z.number(), filledQty: z.number(),
  price: z.number().optional(), triggerPrice: z.number().optional(), tag: z.string().optional(), updatedTs: z.number(),
});

export const ReplayStateView = z.object({
  index: z.number().int(),
  total: z.number().int(),
  ts: z.number().nullable(),
  event: AuditEventRow.omit({ hash: true, seq: true }).extend({ chainSeq: z.number().int().optional() }).nullable(),
  orders: z.array(ReplayOrder),
  openOrders: z.number().int(),
  positions: z.array(z.object({ symbol: z.string(), qty: z.number(), avgPrice: z.number(), realizedPnl: z.string(), unrealizedPnl: z.string(), fees: z.string(), markPrice: z.number() })),
  cash: z.record(z.string()),
  equity: z.number().nullable(),
  fills: z.number().int(),
  signals: z.number().int(),
  risk: z.object({ tradingState: z.string(), approved: z.number().int(), rejected: z.number().int(), lastRejection: z.record(z.unknown()).nullable() }),
});

const Divergence = z.object({
  kind: z.string(), trade: z.number().int(), clientOrderId: z.string().optional(), field: z.string(), recorded: z.unknown(), rerun: z.unknown(), ts: z.number(),
});

export const auditCommands = {
  'audit.events': command(
    'Audit events filtered by type, symbol, strategy (id or version hash), session and time; paged by chain seq (`after` = the previous page\'s `next`).',
    req({
      types: z.array(z.enum(AUDIT_EVENT_TYPES)).max(AUDIT_EVENT_TYPES.length).optional(),
      symbol: text(64).optional(),
      strategy: text(128).optional(),
      session: id().optional(),
      fromTs: ms().optional(),
      toTs: ms().optional(),
      after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    z.object({ items: z.array(AuditEventRow), next: z.number().int().nullable() }),
  ),
  'audit.event': command(
    'One audit event as chained (body, hashes) with its Merkle inclusion proof against the current tree head.',
    req({ seq: seq() }),
    z.object({
      event: AuditEventRow,
      body: z.string(),
      prevHash: z.string(),
      inclusion: z.object({ seq: z.number().int(), leaf: z.string(), treeHead: TreeHead, proof: z.array(z.string()) }),
    }),
  ),
  'audit.verify': command(
    'Walks the whole chain and checks every stored tree head against the log; names the first broken place.',
    empty,
    z.object({
      chain: z.object({ ok: z.boolean(), count: z.number().int(), head: ChainHead, brokenAt: z.number().int().optional(), reason: z.string().optional() }),
      heads: z.object({ ok: z.boolean(), checked: z.number().int(), problem: z.string().optional(), size: z.number().int().optional() }),
    }),
  ),
  'audit.treeHead': command(
    'The Merkle tree head of the log now, the last stored (signed) one, and the signing key id.',
    empty,
    z.object({
      current: z.object({ size: z.number().int(), root: z.string(), chainHash: z.string() }),
      stored: z.object({ size: z.number().int(), root: z.string(), chainHash: z.string(), ts: z.number(), signature: z.string().nullable() }).nullable(),
      keyId: z.string(),
    }),
  ),
  'audit.checkpoint': command('Stores (and signs) a tree head of the log as it is now; null when nothing was appended since the last.', empty, z.object({ stored: TreeHead.extend({ ts: z.number() }).nullable() })),
  'audit.sessions': command(
    'The sessions the audit log knows, newest first: paper sessions and recorded backtests, with strategy and time span (for the replay picker).',
    empty,
    z.array(z.object({ session: z.string(), kind: z.enum(['paper', 'backtest']), startedAt: z.number(), stoppedAt: z.number().nullable(), startSeq: z.number().int(), strategyId: z.string().optional(), strategyVersion: z.string().optional() })),
  ),
  'audit.replay': command(
    'Orders, positions, cash, equity and risk state of a session right after one of its events (by index in the session, or by chain seq; default: the last).',
    req({ session: id(), index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(), seq: seq().optional() }),
    ReplayStateView,
  ),
  'audit.rerun': command(
    'Feeds the session\'s recorded market data through the kernel again with the same strategy version and reports every divergence, trade by trade.',
    req({ session: id() }),
    z.object({
      identical: z.boolean(), trades: z.object({ recorded: z.number().int(), rerun: z.number().int() }), fills: z.object({ recorded: z.number().int(), rerun: z.number().int() }), divergences: z.array(Divergence),
      /** The engine fingerprints (recorded null: recorded before fingerprints) and, when they differ, the sentence saying so. */
      engine: z.object({ recorded: z.string().nullable(), rerun: z.string().nullable(), note: z.string().optional() }).optional(),
    }),
  ),
  'audit.export.bundle': command(
    'A signed audit bundle (canonical JSON lines: header, entries, signed trailer with chain head and tree head) for a session or range; `since` adds a consistency proof from an earlier export\'s tree head.',
    req({ scope: Scope, since: req({ size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), root: hex64() }).optional() }),
    z.object({ text: z.string(), entries: z.number().int(), treeHead: TreeHead, keyId: z.string() }),
  ),
  'audit.export.html': command('A self-contained HTML audit report (summary, verification, P&L, orders, fills, risk events, timeline).', req({ scope: Scope }), z.object({ html: z.string(), verified: z.boolean() })),
  'audit.export.csv': command('One CSV table (events, orders, fills or risk) of a session or range.', req({ scope: Scope, table: z.enum(['events', 'orders', 'fills', 'risk']) }), z.object({ csv: z.string() })),
  'audit.export.pdf': command('The HTML report printed to PDF by the app\'s Chromium; `skipped` says why when the host has none (headless).', req({ scope: Scope }), z.object({ pdf: uint8Array().optional(), skipped: z.string().optional() })),
};
