/**
 * Inbound webhooks (TradingView alerts and the like): the listener's settings (a key of settings.json), the
 * payload a hook accepts, and the commands that show what the listener received.
 *
 * A request is `POST /hooks/<hook id>` with a JSON body. Every body carries `ts` (when it was sent: epoch
 * milliseconds or ISO-8601 text) and `id` (an idempotency key): a request outside the time window, or whose
 * key the hook has seen, places nothing. Authentication is per hook:
 *   hmac  header `X-Kestrel-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` (the body carries ts and id,
 *         so both are signed);
 *   body  `secret` in the body, for senders that can only template a body (TradingView).
 * The action maps to a ticket request (the ticket's fields, decimal text) or a strategy signal (start/stop a
 * saved strategy on the account's paper session). Orders pass the same risk gate as the ticket's, with
 * source `webhook` and the tag `hook:<hook id>`.
 */
import { z } from 'zod';
import { command, empty, id } from './define.ts';
import { TicketRequest } from './trading.ts';

const HookId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -, at most 40');
/** A key in the secret store (never the secret itself). */
export const SecretRef = z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,79}$/, 'a secret reference (lower-case, digits, : . _ -)');

export const WebhookHookSettings = z
  .object({
    id: HookId,
    /** The account its orders go to (a settings account id). */
    account: HookId,
    auth: z.enum(['hmac', 'body']),
    /** The secret store reference holding the hook's shared secret. */
    secret: SecretRef,
    enabled: z.boolean().default(true),
    /** Symbols the hook may trade; empty = any of the account's. */
    symbols: z.array(id()).max(200).default([]),
  })
  .strict();
export type WebhookHookSettings = z.infer<typeof WebhookHookSettings>;

export const WebhookSettings = z
  .object({
    /** Opt-in: no listener unless true. */
    enabled: z.boolean().default(false),
    /** 0 = any free port (tests). */
    port: z.number().int().min(0).max(65_535).default(8765),
    /** `all` exposes the listener beyond this machine: the user's explicit choice, warned about in the log and the panel. */
    bind: z.enum(['loopback', 'all']).default('loopback'),
    /** How far a request's `ts` may be from the host's clock, in seconds. */
    windowSec: z.number().int().min(5).max(3_600).default(300),
    /** Token bucket over the whole listener: sustained requests per second, and the burst above it. */
    ratePerSec: z.number().int().min(1).max(100_000).default(20),
    burst: z.number().int().min(1).max(100_000).default(40),
    hooks: z.array(WebhookHookSettings).max(100).default([]),
  })
  .strict();
export type WebhookSettings = z.infer<typeof WebhookSettings>;

/** Fields of an order ticket a webhook may give (the source is always `webhook`, the tag the hook's). */
const OrderAction = TicketRequest.omit({ source: true, tag: true, confirmTriggerNow: true }).extend({ action: z.literal('order') }).strict();

const SignalAction = z
  .object({
    action: z.literal('signal'),
    /** A saved strategy of the catalog. */
    strategy: id(),
    signal: z.enum(['start', 'stop']),
    symbol: id().optional(),
  })
  .strict();

const Envelope = z.object({
  /** When the sender made the request: epoch ms, or ISO-8601 text (TradingView's {{timenow}}). */
  ts: z.union([z.number().int().positive(), z.string().max(40)]),
  /** Idempotency key: a second request with it does nothing. */
  id: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  /** Must be the hook's account when given. */
  account: HookId.optional(),
  /** Body authentication only; never logged. */
  secret: z.string().max(256).optional(),
});

export const WebhookPayload = z.union([Envelope.merge(OrderAction).strict(), Envelope.merge(SignalAction).strict()]);
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export const WebhookOutcome = z.enum(['accepted', 'refused', 'rejected', 'failed']);

export const WebhookRecord = z.object({
  ts: z.number(),
  hook: z.string(),
  /** HTTP status answered. */
  status: z.number().int(),
  outcome: WebhookOutcome,
  reason: z.string(),
  key: z.string().nullable(),
  orders: z.array(z.string()),
  /** Handling time, ms. */
  ms: z.number(),
});
export type WebhookRecord = z.infer<typeof WebhookRecord>;

export const WebhookStatus = z.object({
  enabled: z.boolean(),
  listening: z.boolean(),
  /** Where senders post (`http://host:port/hooks/<id>`), when listening. */
  url: z.string().nullable(),
  /** True when bound beyond loopback (the user's choice). */
  exposed: z.boolean(),
  hooks: z.array(z.object({ id: z.string(), account: z.string(), auth: z.enum(['hmac', 'body']), enabled: z.boolean() })),
  counts: z.object({ accepted: z.number().int(), refused: z.number().int(), rejected: z.number().int(), failed: z.number().int() }),
  /** Newest first. */
  recent: z.array(WebhookRecord),
});
export type WebhookStatus = z.infer<typeof WebhookStatus>;

export const webhookCommands = {
  'webhooks.status': command('The inbound webhook listener: whether it listens and where, its hooks, and the latest requests with what became of them.', empty, WebhookStatus),
};
