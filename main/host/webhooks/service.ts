/**
 * What the webhook listener does with one request, apart from HTTP (listener.ts carries it): rate limit,
 * the hook, authentication, the payload's schema, the time window, the idempotency key, then the action —
 * an order ticket submitted on the hook's account with source `webhook` (the same risk gate as the ticket;
 * the kernel audits the verdict and the order, tagged `hook:<id>`) or a strategy signal. Each refusal is a
 * 4xx with a reason, logged (never the body: it may carry the hook's secret) and kept in the recent list.
 *
 * The idempotency key is claimed before the action runs: a replay does nothing even when the first request
 * failed validation or the gate refused it (the sender's retry of a refused order is a new request, new key).
 */
import type { OrderView, TicketRequest } from '../../contract/trading.ts';
import { WebhookPayload, type WebhookHookSettings, type WebhookRecord, type WebhookSettings, type WebhookStatus } from '../../contract/webhooks.ts';
import { KestrelError } from '../../core/errors.ts';
import type { Logger } from '../log.ts';
import { SeenKeys } from './idempotency.ts';
import { TokenBucket } from './rate-limit.ts';
import { freshnessRefusal, parseTs, safeEqual, SIGNATURE_HEADER, signatureRefusal } from './verify.ts';

export interface WebhookDeps {
  /** The listener's settings when the host started (port, bind, window, rate). */
  readonly settings: WebhookSettings;
  /** The hooks, read on each request: one added or disabled in settings applies at once. */
  readonly hooks: () => readonly WebhookHookSettings[];
  /** Resolves a secret reference (the hook's shared secret). */
  readonly secret: (ref: string) => string | undefined;
  /** Submits a ticket on an account with source `webhook` (TradingSession.submit). */
  readonly submit: (account: string, ticket: TicketRequest) => Promise<OrderView[]>;
  /** Starts or stops a saved strategy on the account; returns what was done. */
  readonly signal: (account: string, hook: string, s: { strategy: string; signal: 'start' | 'stop'; symbol?: string | undefined }) => Promise<string>;
  readonly log: Logger;
  readonly now?: () => number;
}

export interface WebhookRequest {
  readonly hook: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly remote: string;
}

export interface WebhookReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const RECENT = 200;

export class WebhookService {
  private readonly d: WebhookDeps;
  private readonly now: () => number;
  private readonly bucket: TokenBucket;
  private readonly seen: SeenKeys;
  private readonly startedAt: number;
  private readonly recent: WebhookRecord[] = [];
  private readonly counts = { accepted: 0, refused: 0, rejected: 0, failed: 0 };
  private readonly listeners = new Set<(r: WebhookRecord) => void>();

  constructor(d: WebhookDeps) {
    this.d = d;
    this.now = d.now ?? Date.now;
    this.startedAt = this.now();
    this.bucket = new TokenBucket(d.settings.ratePerSec, d.settings.burst, this.startedAt);
    this.seen = new SeenKeys(d.settings.windowSec * 1000);
  }

  /** Called with every request's record (metrics). Returns the unsubscribe. */
  onRecord(fn: (r: WebhookRecord) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** The rate limit alone: the listener asks before reading a body. */
  admit(): boolean {
    return this.bucket.take(this.now());
  }

  /** A request the rate limit turned away (429), recorded like any other refusal. */
  limited(hook: string, remote: string, started: number): WebhookReply {
    return this.refuse({ hook, remote, started, key: null }, 429, 'rate limited: too many requests');
  }

  /** A request the listener refused before reading it (path, method, size). */
  refused(hook: string, remote: string, started: number, status: number, reason: string): WebhookReply {
    return this.refuse({ hook, remote, started, key: null }, status, reason);
  }

  async handle(r: WebhookRequest, started = performance.now()): Promise<WebhookReply> {
    const ctx = { hook: r.hook, remote: r.remote, started, key: null as string | null };
    const hook = this.d.hooks().find((h) => h.id === r.hook);
    if (!hook) return this.refuse(ctx, 404, `no hook "${r.hook.slice(0, 40)}"`);
    if (!hook.enabled) return this.refuse(ctx, 403, 'hook is disabled');
    const secret = this.d.secret(hook.secret);
    if (secret === undefined) return this.refuse(ctx, 503, `the hook's secret "${hook.secret}" is not in the secret store`, 'failed');

    if (hook.auth === 'hmac') {
      const why = signatureRefusal(secret, r.headers[SIGNATURE_HEADER], r.body);
      if (why) return this.refuse(ctx, 401, why);
    }
    let json: unknown;
    try {
      json = JSON.parse(r.body.toString('utf8'));
    } catch {
      return this.refuse(ctx, 400, 'body is not JSON');
    }
    if (hook.auth === 'body') {
      const given = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).secret : undefined;
      if (typeof given !== 'string') return this.refuse(ctx, 401, 'missing secret in the body');
      if (!safeEqual(secret, given)) return this.refuse(ctx, 401, 'secret does not match');
    }
    const parsed = WebhookPayload.safeParse(json);
    if (!parsed.success) return this.refuse(ctx, 400, `payload: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
    const p = parsed.data;
    if (hook.auth === 'hmac' && p.secret !== undefined) return this.refuse(ctx, 400, 'an hmac hook takes no secret in the body');
    ctx.key = p.id;
    const now = this.now();
    const stale = freshnessRefusal(parseTs(p.ts), now, this.d.settings.windowSec * 1000, this.startedAt);
    if (stale) return this.refuse(ctx, 401, stale);
    if (p.account !== undefined && p.account !== hook.account) return this.refuse(ctx, 403, `this hook trades account "${hook.account}", not "${p.account}"`);
    if (!this.seen.claim(hook.id, p.id, now)) return this.refuse(ctx, 409, `duplicate: idempotency key "${p.id}" was already used`);

    try {
      if (p.action === 'order') {
        if (hook.symbols.length && !hook.symbols.includes(p.symbol)) return this.refuse(ctx, 403, `this hook may not trade ${p.symbol}`);
        const { ts: _ts, id: _id, account: _a, secret: _s, action: _act, ...ticket } = p;
        const orders = await this.d.submit(hook.account, { ...ticket, tag: `hook:${hook.id}` });
        const ids = orders.map((o) => o.clientOrderId);
        this.record(ctx, 200, 'accepted', `placed ${ids.length} order(s)`, ids);
        return { status: 200, body: { ok: true, orders: orders.map((o) => ({ clientOrderId: o.clientOrderId, state: o.state })) } };
      }
      const done = await this.d.signal(hook.account, hook.id, { strategy: p.strategy, signal: p.signal, symbol: p.symbol });
      this.record(ctx, 200, 'accepted', done, []);
      return { status: 200, body: { ok: true, done } };
    } catch (e) {
      return this.failed(ctx, e);
    }
  }

  status(listening: { url: string | null; exposed: boolean; listening: boolean }): WebhookStatus {
    return {
      enabled: this.d.settings.enabled,
      ...listening,
      hooks: this.d.hooks().map((h) => ({ id: h.id, account: h.account, auth: h.auth, enabled: h.enabled })),
      counts: { ...this.counts },
      recent: [...this.recent].reverse(),
    };
  }

  private failed(ctx: Ctx, e: unknown): WebhookReply {
    if (e instanceof KestrelError) {
      const status = STATUS_OF[e.code] ?? 500;
      const outcome = e.code === 'risk_rejected' ? 'rejected' : status >= 500 ? 'failed' : 'refused';
      const reply = this.refuse(ctx, status, e.message, outcome);
      return { status, body: { ...reply.body, code: e.code, ...(e.details ? { details: e.details } : {}) } };
    }
    this.d.log.error({ err: e, hook: ctx.hook }, 'webhook action failed');
    return this.refuse(ctx, 500, 'internal error', 'failed');
  }

  private refuse(ctx: Ctx, status: number, reason: string, outcome: WebhookRecord['outcome'] = 'refused'): WebhookReply {
    this.record(ctx, status, outcome, reason, []);
    return { status, body: { ok: false, reason } };
  }

  private record(ctx: Ctx, status: number, outcome: WebhookRecord['outcome'], reason: string, orders: string[]): void {
    const rec: WebhookRecord = { ts: this.now(), hook: ctx.hook.slice(0, 40), status, outcome, reason, key: ctx.key, orders, ms: performance.now() - ctx.started };
    this.counts[outcome]++;
    this.recent.push(rec);
    if (this.recent.length > RECENT) this.recent.shift();
    if (outcome !== 'accepted' && status !== 429) this.d.log.warn({ hook: rec.hook, status, reason, key: ctx.key, remote: ctx.remote }, 'webhook request refused');
    for (const fn of this.listeners) fn(rec);
  }
}

interface Ctx {
  readonly hook: string;
  readonly remote: string;
  readonly started: number;
  key: string | null;
}

const STATUS_OF: Partial<Record<KestrelError['code'], number>> = {
  validation: 422,
  risk_rejected: 422,
  not_found: 404,
  conflict: 409,
  unauthorized: 403,
};
