/**
 * Delivery of a fired alert to its outgoing channels (settings `alertChannels`): a desktop notification
 * (the shell plugs in how: Electron's Notification; the browser UI uses the Web Notifications API on the
 * `alerts.fired` event), and webhooks — generic JSON, Discord, Slack, Telegram — each body signed with
 * HMAC-SHA256 (header X-Kestrel-Signature, the same form inbound hooks check) when the channel has a signing
 * secret. A failed send is retried with backoff (network errors, 408, 429, 5xx); what still fails, or is
 * refused outright (another 4xx), lands in the dead-letter list, from where the user can send it again.
 * URLs and secrets are resolved from the secret store only when sending, and never logged.
 */
import type { AlertFiring, DeadLetterView } from '../../contract/alerts.ts';
import type { AlertChannelSettings } from '../../contract/settings.ts';
import type { AlertStore } from '../../storage/alerts.ts';
import type { Logger } from '../log.ts';
import { signBody } from '../webhooks/verify.ts';

type WebhookChannel = Extract<AlertChannelSettings, { kind: 'webhook' }>;

export interface DeliveryDeps {
  readonly channels: () => readonly AlertChannelSettings[];
  readonly secret: (ref: string) => string | undefined;
  readonly store: AlertStore;
  readonly log: Logger;
  /** Waits between attempts, ms (default 1 s, 5 s, 30 s: four attempts in all). */
  readonly backoffMs?: readonly number[];
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface Outgoing {
  readonly channel: string;
  readonly alertId: string | null;
  readonly message: string;
  readonly body: string;
}

export class AlertDelivery {
  private readonly d: DeliveryDeps;
  private readonly backoff: readonly number[];
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;
  /** How the shell shows a desktop notification (main/app: Electron's Notification); absent headless. */
  desktop: ((title: string, body: string) => void) | undefined;

  constructor(d: DeliveryDeps) {
    this.d = d;
    this.backoff = d.backoffMs ?? [1_000, 5_000, 30_000];
  }

  /** Sends `f` to each of `channelIds` that exists and is enabled; returns at once (webhooks go on in the background). */
  deliver(f: AlertFiring, channelIds: readonly string[]): void {
    for (const id of channelIds) {
      const c = this.d.channels().find((x) => x.id === id);
      if (!c || !c.enabled) continue;
      if (c.kind === 'desktop') {
        try {
          this.desktop?.(`Kestrel: ${f.name}`, f.message);
        } catch (e) {
          this.d.log.warn({ err: (e as Error).message, channel: id }, 'desktop notification failed');
        }
        continue;
      }
      const out: Outgoing = { channel: c.id, alertId: f.alertId, message: f.message, body: bodyFor(c, f) };
      this.track(this.send(c, out));
    }
  }

  deadLetters(): DeadLetterView[] {
    return this.d.store.deadLetters().map(({ payload: _p, ...v }) => v);
  }

  /** One more attempt at a dead letter; removed from the list when it goes through. */
  async retry(id: number): Promise<{ delivered: boolean; error: string | null }> {
    const dl = this.d.store.deadLetter(id);
    if (!dl) return { delivered: false, error: `no dead letter ${id}` };
    const c = this.d.channels().find((x) => x.id === dl.channel);
    if (!c || c.kind !== 'webhook') return { delivered: false, error: `channel "${dl.channel}" is no longer a webhook channel in settings` };
    const r = await this.attempt(c, String((dl.payload as { body?: unknown }).body ?? ''));
    if (r.ok) this.d.store.removeDeadLetter(id);
    else this.d.store.updateDeadLetter(id, dl.attempts + 1, r.error);
    return { delivered: r.ok, error: r.ok ? null : r.error };
  }

  /** Waits for sends in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    this.closed = true;
  }

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async send(c: WebhookChannel, out: Outgoing): Promise<void> {
    let last = '';
    let tries = 0;
    for (;;) {
      if (this.closed) return;
      const r = await this.attempt(c, out.body);
      tries++;
      if (r.ok) return;
      last = r.error;
      if (!r.retryable || tries > this.backoff.length) break;
      this.d.log.info({ channel: c.id, attempt: tries, error: r.error }, 'alert notification failed; retrying');
      await sleep(this.backoff[tries - 1]!);
    }
    this.d.log.warn({ channel: c.id, attempts: tries, error: last }, 'alert notification failed for good: kept as a dead letter');
    this.d.store.addDeadLetter({ channel: c.id, alertId: out.alertId, ts: (this.d.now ?? Date.now)(), attempts: tries, lastError: last, message: out.message, payload: { body: out.body } });
  }

  private async attempt(c: WebhookChannel, body: string): Promise<{ ok: true } | { ok: false; error: string; retryable: boolean }> {
    const url = this.d.secret(c.url);
    if (!url || !/^https?:\/\//.test(url)) return { ok: false, error: `the channel's URL "${c.url}" is not in the secret store (or not http/https)`, retryable: false };
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Kestrel-Alerts' };
    if (c.signingSecret) {
      const key = this.d.secret(c.signingSecret);
      if (!key) return { ok: false, error: `the signing secret "${c.signingSecret}" is not in the secret store`, retryable: false };
      headers['x-kestrel-signature'] = signBody(key, body);
    }
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.d.timeoutMs ?? 10_000), redirect: 'error' });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true };
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      return { ok: false, error: `HTTP ${res.status}`, retryable };
    } catch (e) {
      // The message of a fetch failure can carry the URL, which holds the channel's token: keep only its kind.
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { ok: false, error: (e as Error).name === 'TimeoutError' ? 'timed out' : `network error${cause ? ` (${cause})` : ''}`, retryable: true };
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The body a channel's service expects. */
export function bodyFor(c: WebhookChannel, f: AlertFiring): string {
  const text = `🔔 ${f.name}: ${f.message}`;
  switch (c.format) {
    case 'discord':
      return JSON.stringify({ content: text.slice(0, 2000) });
    case 'slack':
      return JSON.stringify({ text });
    case 'telegram':
      return JSON.stringify({ chat_id: c.chatId ?? '', text });
    case 'json':
      return JSON.stringify({ kind: 'kestrel.alert', alertId: f.alertId, name: f.name, account: f.account, ts: f.ts, message: f.message, detail: f.detail });
  }
}
