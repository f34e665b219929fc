/**
 * Kestrel Sim's user data streams, both ways Binance offers them:
 * - a listenKey (spot POST /api/v3/userDataStream, futures POST /fapi/v1/listenKey), kept alive by PUT,
 *   read on `/ws/<listenKey>` or futures' `/private/ws?listenKey=…`; it expires without keepalive, and then
 *   its connections get `listenKeyExpired` and are closed;
 * - the spot WebSocket API (`/ws-api/v3`): `userDataStream.subscribe.signature` (or `session.logon` then
 *   `userDataStream.subscribe`), events wrapped as `{ subscriptionId, event }`.
 * Faults (private-faults.ts) drop connections and duplicate or reorder fill events here.
 */
import type { WebSocket } from 'ws';
import type { PrivateFaultPlan } from './private-faults.ts';
import { fail, verifyWsParams, type ApiFailure, type SimKey } from './signing.ts';

type StreamMarket = 'spot' | 'futures';

interface ListenKey {
  readonly key: string;
  readonly account: string;
  readonly market: StreamMarket;
  expiresAt: number;
}

interface Sink {
  readonly ws: WebSocket;
  readonly account: string;
  readonly market: StreamMarket;
  /** ws-api subscriptions wrap events; listenKey streams send them bare. */
  readonly subscriptionId: number | undefined;
  readonly listenKey: string | undefined;
  held: string | undefined;
}

interface WsApiSession {
  key: SimKey | undefined;
  subscriptionId: number | undefined;
}

export interface UserStreamDeps {
  readonly faults: PrivateFaultPlan;
  readonly keys: ReadonlyMap<string, SimKey>;
  now(): number;
  /** A fresh listenKey (drawn from the sim's seeded generator). */
  newListenKey(): string;
}

const LISTEN_KEY_TTL = 60 * 60_000;

export class UserStreams {
  private readonly listenKeys = new Map<string, ListenKey>();
  private readonly sinks = new Set<Sink>();
  private readonly deps: UserStreamDeps;
  private nextSubscription = 0;
  readonly stats = { events: 0, connections: 0 };

  constructor(deps: UserStreamDeps) {
    this.deps = deps;
  }

  private ttl(): number {
    return this.deps.faults.config.listenKeyTtlMs ?? LISTEN_KEY_TTL;
  }

  /** POST: the account's active key for that market (its validity extended), or a new one. */
  create(account: string, market: StreamMarket): string {
    this.expireDue();
    for (const k of this.listenKeys.values()) {
      if (k.account === account && k.market === market) {
        k.expiresAt = this.deps.now() + this.ttl();
        return k.key;
      }
    }
    const key = this.deps.newListenKey();
    this.listenKeys.set(key, { key, account, market, expiresAt: this.deps.now() + this.ttl() });
    return key;
  }

  /** PUT: extends a key's validity; -1125 when it does not exist (expired or never issued). */
  keepalive(account: string, market: StreamMarket, key: string | undefined): ApiFailure | undefined {
    this.expireDue();
    const k = key ? this.listenKeys.get(key) : [...this.listenKeys.values()].find((x) => x.account === account && x.market === market);
    if (!k || k.account !== account) return fail(-1125, 'This listenKey does not exist.');
    k.expiresAt = this.deps.now() + this.ttl();
    return undefined;
  }

  remove(account: string, market: StreamMarket, key: string | undefined): void {
    const k = key ? this.listenKeys.get(key) : [...this.listenKeys.values()].find((x) => x.account === account && x.market === market);
    if (k && k.account === account) this.expire(k, false);
  }

  /** Ends every listenKey now (the listenKey-expiry fault, or a test): connections get listenKeyExpired. */
  expireAll(): void {
    for (const k of [...this.listenKeys.values()]) this.expire(k, true);
  }

  /** Drops every user-stream connection (a network blip); keys stay valid. */
  dropAll(): void {
    for (const s of this.sinks) s.ws.terminate();
  }

  expireDue(): void {
    const now = this.deps.now();
    for (const k of [...this.listenKeys.values()]) if (k.expiresAt <= now) this.expire(k, true);
  }

  private expire(k: ListenKey, notify: boolean): void {
    this.listenKeys.delete(k.key);
    for (const s of [...this.sinks]) {
      if (s.listenKey !== k.key) continue;
      if (notify && s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify({ e: 'listenKeyExpired', E: this.deps.now(), listenKey: k.key }));
      s.ws.close();
      this.sinks.delete(s);
    }
  }

  /** Which upgrade paths are user streams: `/ws/<listenKey>`, `/private/ws?listenKey=`, `/ws?listenKey=`, `/ws-api/v3`. */
  claims(url: URL): boolean {
    if (url.pathname === '/ws-api/v3') return true;
    return this.listenKeyOf(url) !== undefined;
  }

  private listenKeyOf(url: URL): string | undefined {
    const q = url.searchParams.get('listenKey');
    if (q && (url.pathname === '/private/ws' || url.pathname === '/ws')) return q;
    const m = /^\/ws\/([A-Za-z0-9]{20,80})$/.exec(url.pathname);
    return m && this.listenKeys.has(m[1]!) ? m[1] : undefined;
  }

  attach(ws: WebSocket, url: URL): void {
    this.stats.connections++;
    if (url.pathname === '/ws-api/v3') {
      this.attachWsApi(ws);
      return;
    }
    this.expireDue();
    const k = this.listenKeys.get(this.listenKeyOf(url) ?? '');
    if (!k) {
      // Binance accepts the connection and closes it at once for an unknown key.
      ws.close(1008, 'invalid listenKey');
      return;
    }
    const sink: Sink = { ws, account: k.account, market: k.market, subscriptionId: undefined, listenKey: k.key, held: undefined };
    this.sinks.add(sink);
    ws.on('close', () => this.sinks.delete(sink));
    ws.on('error', () => this.sinks.delete(sink));
    // Client pings or stray frames on a user stream are ignored, as on Binance.
  }

  private attachWsApi(ws: WebSocket): void {
    const session: WsApiSession = { key: undefined, subscriptionId: undefined };
    let sink: Sink | undefined;
    const reply = (id: unknown, result: unknown) => ws.send(JSON.stringify({ id, status: 200, result }));
    const error = (id: unknown, f: ApiFailure) => ws.send(JSON.stringify({ id, status: f.status, error: { code: f.code, msg: f.msg } }));
    const subscribe = (id: unknown, key: SimKey) => {
      if (sink) this.sinks.delete(sink);
      session.subscriptionId = this.nextSubscription++;
      sink = { ws, account: key.account, market: 'spot', subscriptionId: session.subscriptionId, listenKey: undefined, held: undefined };
      this.sinks.add(sink);
      reply(id, { subscriptionId: session.subscriptionId });
    };
    ws.on('close', () => sink && this.sinks.delete(sink));
    ws.on('error', () => sink && this.sinks.delete(sink));
    ws.on('message', (raw) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        error(null, fail(-1000, 'Malformed request.'));
        return;
      }
      const params = typeof msg.params === 'object' && msg.params !== null ? (msg.params as Record<string, unknown>) : {};
      switch (msg.method) {
        case 'ping':
          return reply(msg.id, {});
        case 'session.logon': {
          const key = verifyWsParams(params, this.deps.now() + (this.deps.faults.config.clockSkewMs ?? 0), this.deps.keys);
          if ('code' in key) return error(msg.id, key);
          session.key = key;
          return reply(msg.id, { apiKey: key.apiKey, authorizedSince: this.deps.now(), connectedSince: this.deps.now(), returnRateLimits: false, serverTime: this.deps.now() });
        }
        case 'userDataStream.subscribe.signature': {
          const key = verifyWsParams(params, this.deps.now() + (this.deps.faults.config.clockSkewMs ?? 0), this.deps.keys);
          if ('code' in key) return error(msg.id, key);
          return subscribe(msg.id, key);
        }
        case 'userDataStream.subscribe':
          if (!session.key) return error(msg.id, fail(-2015, 'Invalid API-key, IP, or permissions for action.', 401));
          return subscribe(msg.id, session.key);
        case 'userDataStream.unsubscribe':
          if (sink) this.sinks.delete(sink);
          sink = undefined;
          return reply(msg.id, {});
        default:
          return error(msg.id, fail(-1000, `Kestrel Sim's WebSocket API does not implement ${String(msg.method)}.`));
      }
    });
  }

  /** Sends one account event to every stream of that account and market, through the stream faults. */
  publish(account: string, market: StreamMarket, event: Record<string, unknown>, isFill: boolean): void {
    this.expireDue();
    for (const s of [...this.sinks]) {
      if (s.account !== account || s.market !== market || s.ws.readyState !== s.ws.OPEN) continue;
      const fault = this.deps.faults.streamEvent(isFill);
      if (fault === 'stream-drop') {
        this.sinks.delete(s);
        s.ws.terminate();
        continue;
      }
      if (fault === 'listen-key-expiry' && s.listenKey) {
        const k = this.listenKeys.get(s.listenKey);
        if (k) this.expire(k, true);
        continue;
      }
      const text = JSON.stringify(s.subscriptionId === undefined ? event : { subscriptionId: s.subscriptionId, event });
      const out: string[] = [];
      if (fault === 'reorder-fill' && s.held === undefined) {
        s.held = text;
        // Held back until the next fill, or a moment later when none comes: late, never lost.
        setTimeout(() => this.flush(s), this.deps.faults.config.reorderHoldMs ?? 1_000).unref();
        continue;
      }
      out.push(text);
      if (fault === 'duplicate-fill') out.push(text);
      if (s.held !== undefined && isFill) {
        out.push(s.held);
        s.held = undefined;
      }
      for (const t of out) {
        s.ws.send(t);
        this.stats.events++;
      }
    }
  }

  private flush(s: Sink): void {
    if (s.held === undefined || s.ws.readyState !== s.ws.OPEN) return;
    s.ws.send(s.held);
    s.held = undefined;
    this.stats.events++;
  }

  close(): void {
    for (const s of this.sinks) s.ws.terminate();
    this.sinks.clear();
    this.listenKeys.clear();
  }
}
