/**
 * Faults of Kestrel Sim's PRIVATE API — the ones that lose or double orders in real life: a reply that
 * never comes after the order was accepted, a dropped connection instead of the ack, an order that the
 * query endpoints do not know for a while after it was created, fills sent twice or out of order on the
 * user stream, a dropped user stream, an expired listenKey, 429/418, a skewed server clock (-1021) and
 * a refused balance (-2010). Probabilities are drawn from a seeded generator so a failing run replays;
 * `failNext` queues one exact fault for tests.
 */
import { Rng } from '../../core/data/index.ts';

export type PrivateFault =
  | 'timeout-after-accept'
  | 'lost-ack'
  | 'not-found-after-create'
  | 'duplicate-fill'
  | 'reorder-fill'
  | 'stream-drop'
  | 'listen-key-expiry'
  | 'rate-limit'
  | 'ban'
  | 'insufficient-balance';

export interface PrivateFaultConfig {
  /** Per order placement: accepted by the engine, then the reply is held until the client gives up. */
  readonly timeoutAfterAccept?: number;
  /** How long a held reply waits before the connection is closed without an answer (ms). */
  readonly holdMs?: number;
  /** Per order placement: accepted, then the connection is dropped instead of the ack. */
  readonly lostAck?: number;
  /** Per order placement: GET/DELETE of that order answer -2013/-2011 for `notFoundMs` after it was created. */
  readonly notFoundAfterCreate?: number;
  readonly notFoundMs?: number;
  /** Per fill event on the user stream: sent twice. */
  readonly duplicateFill?: number;
  /** Per fill event on the user stream: held back and sent after the next fill (or `reorderHoldMs` later). */
  readonly reorderFill?: number;
  readonly reorderHoldMs?: number;
  /** Per user-stream event: the connection is dropped instead (the event is lost to that connection). */
  readonly streamDrop?: number;
  /** A listenKey's validity without keepalive (ms); Binance's is 60 minutes. */
  readonly listenKeyTtlMs?: number;
  /** Per private request. */
  readonly rateLimit?: number;
  readonly ban?: number;
  /** Added to the server clock that signed requests are checked against (ms); beyond recvWindow → -1021. */
  readonly clockSkewMs?: number;
  /** Per order placement: refused with -2010 whatever the balance. */
  readonly insufficientBalance?: number;
}

export class PrivateFaultPlan {
  config: PrivateFaultConfig;
  private readonly rng: Rng;
  private readonly queue: PrivateFault[] = [];
  readonly injected: Record<PrivateFault, number> = {
    'timeout-after-accept': 0, 'lost-ack': 0, 'not-found-after-create': 0, 'duplicate-fill': 0, 'reorder-fill': 0, 'stream-drop': 0,
    'listen-key-expiry': 0, 'rate-limit': 0, ban: 0, 'insufficient-balance': 0,
  };

  constructor(config: PrivateFaultConfig = {}, seed = 1) {
    this.config = config;
    this.rng = new Rng(seed ^ 0x5a17);
  }

  failNext(kind: PrivateFault, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(kind);
  }

  private queued(kinds: readonly PrivateFault[]): PrivateFault | undefined {
    const i = this.queue.findIndex((k) => kinds.includes(k));
    if (i < 0) return undefined;
    const [k] = this.queue.splice(i, 1);
    this.injected[k!]++;
    return k;
  }

  private draw(pairs: readonly (readonly [PrivateFault, number | undefined])[]): PrivateFault | undefined {
    for (const [kind, p] of pairs) {
      if (p && this.rng.uniform() < p) {
        this.injected[kind]++;
        return kind;
      }
    }
    return undefined;
  }

  /** Any private request: throttled or banned? */
  request(): 'rate-limit' | 'ban' | undefined {
    const q = this.queued(['rate-limit', 'ban']);
    if (q) return q as 'rate-limit' | 'ban';
    return this.draw([['rate-limit', this.config.rateLimit], ['ban', this.config.ban]]) as 'rate-limit' | 'ban' | undefined;
  }

  /** An order placement: refused before the engine, or accepted and then answered badly. */
  placement(): 'insufficient-balance' | 'timeout-after-accept' | 'lost-ack' | 'not-found-after-create' | undefined {
    const kinds = ['insufficient-balance', 'timeout-after-accept', 'lost-ack', 'not-found-after-create'] as const;
    const q = this.queued(kinds);
    if (q) return q as (typeof kinds)[number];
    const c = this.config;
    return this.draw([['insufficient-balance', c.insufficientBalance], ['timeout-after-accept', c.timeoutAfterAccept], ['lost-ack', c.lostAck], ['not-found-after-create', c.notFoundAfterCreate]]) as (typeof kinds)[number] | undefined;
  }

  /** A user-stream event: dropped connection, duplicated or held-back fill. */
  streamEvent(isFill: boolean): 'stream-drop' | 'duplicate-fill' | 'reorder-fill' | 'listen-key-expiry' | undefined {
    const kinds = isFill ? (['stream-drop', 'listen-key-expiry', 'duplicate-fill', 'reorder-fill'] as const) : (['stream-drop', 'listen-key-expiry'] as const);
    const q = this.queued(kinds);
    if (q) return q as 'stream-drop';
    const c = this.config;
    return this.draw([['stream-drop', c.streamDrop], ...(isFill ? ([['duplicate-fill', c.duplicateFill], ['reorder-fill', c.reorderFill]] as const) : [])]) as 'stream-drop' | 'duplicate-fill' | 'reorder-fill' | undefined;
  }
}
