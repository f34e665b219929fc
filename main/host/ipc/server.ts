import { ClientMessage, commands, encodeFrame, events, isCommandName, MAX_DEPTH, type EventName, type EventOf, type HostConnection, type HostMessage, type WireError } from '../../contract/index.ts';
import type { z, ZodError } from 'zod';
import type { Logger } from '../log.ts';
import { toWireError, zodToWire } from './errors.ts';
import type { Handlers } from './handlers.ts';
import { shapeProblem } from '../../core/shape.ts';

/**
 * Transport-free RPC server: validates every message and payload on arrival, dispatches to the handler
 * table, and turns every failure into a typed error reply. Nothing a client sends can throw out of here.
 */
export class IpcServer {
  private readonly connections = new Set<HostConnection>();
  private readonly handlers: Handlers;
  private readonly log: Logger;
  private readonly validateReplies: boolean;
  private readonly validateEvents: EventValidation;
  /** Events emitted per channel, for sampled validation. */
  private readonly emitted = new Map<EventName, number>();
  private readonly closeListeners = new Set<(origin: string) => void>();

  constructor(handlers: Handlers, log: Logger, opts: { validateReplies?: boolean; validateEvents?: EventValidation } = {}) {
    this.handlers = handlers;
    this.log = log;
    this.validateReplies = opts.validateReplies ?? true;
    this.validateEvents = opts.validateEvents ?? defaultEventValidation();
  }

  accept(conn: HostConnection): void {
    this.connections.add(conn);
    const inflight = new Map<number, AbortController>();
    const offMsg = conn.onMessage((raw) => {
      // handle() answers every failure itself; this catch is for a bug in that answering, which must
      // cost one reply, never the process.
      this.handle(conn, raw, inflight).catch((e: unknown) => this.log.error({ conn: conn.label, err: e }, 'BUG: message handling threw'));
    });
    conn.onClose(() => {
      offMsg();
      this.connections.delete(conn);
      for (const c of inflight.values()) c.abort();
      inflight.clear();
      for (const fn of this.closeListeners) fn(conn.label);
    });
  }

  /** Told the label (the handlers' `origin`) of every connection that closes: what it owned ends with it. */
  onDisconnect(fn: (origin: string) => void): () => void {
    this.closeListeners.add(fn);
    return () => this.closeListeners.delete(fn);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Pushes an event to every connected client. Validation against the contract (a host bug is logged and
   * dropped here) is the client's job too (main/contract/client.ts parses every event it receives), so
   * outside tests it is sampled: the first SAMPLE_FIRST events of each channel, then one in SAMPLE_EVERY.
   * Under a market burst, parsing every stream update twice was ~6 % of ingest.
   */
  emit<K extends EventName>(channel: K, payload: EventOf<K>): void {
    let p: EventOf<K> = payload;
    if (this.shouldValidate(channel)) {
      const parsed = guardedParse<EventOf<K>>(events[channel].payload as z.ZodType<EventOf<K>>, payload, `event ${channel}`);
      if (!parsed.success) {
        this.log.error({ channel, error: parsed.error }, 'event payload breaks the contract; dropped');
        return;
      }
      p = parsed.data;
    }
    if (this.connections.size === 0) return;
    const msg: HostMessage = { t: 'evt', ch: channel, p };
    // Binary transports share one encoding of the event (encoding was most of a stream update's fan-out cost).
    let frame: Uint8Array | undefined;
    for (const c of this.connections) {
      if (!c.sendFrame) {
        this.safeSend(c, msg);
        continue;
      }
      try {
        c.sendFrame((frame ??= encodeFrame(msg)));
      } catch (e) {
        this.log.warn({ conn: c.label, err: e }, 'send failed');
      }
    }
  }

  private shouldValidate(channel: EventName): boolean {
    if (this.validateEvents === 'all') return true;
    const n = (this.emitted.get(channel) ?? 0) + 1;
    this.emitted.set(channel, n);
    return n <= SAMPLE_FIRST || n % SAMPLE_EVERY === 0;
  }

  private async handle(conn: HostConnection, raw: unknown, inflight: Map<number, AbortController>): Promise<void> {
    const rawId = callIdOf(raw);
    // Whatever the transport: as deep as a binary frame may carry (the envelope is level 0), no deeper.
    const shape = shapeProblem(raw, MAX_DEPTH);
    if (shape) {
      this.safeSend(conn, { t: 'res', id: rawId, ok: false, e: { code: 'validation', message: `Refused message: ${shape}`, retryable: false } });
      return;
    }
    const env = guardedParse(ClientMessage, raw);
    if (!env.success) {
      const reason = (raw as { t?: unknown; reason?: unknown } | null)?.t === 'undecodable' ? String((raw as { reason?: unknown }).reason).slice(0, 500) : null;
      const e = reason ? { code: 'validation' as const, message: `Undecodable message: ${reason}`, retryable: false } : env.error;
      this.safeSend(conn, { t: 'res', id: rawId, ok: false, e });
      return;
    }
    const msg = env.data;
    if (msg.t === 'cancel') {
      inflight.get(msg.id)?.abort();
      return;
    }
    const { id, ch } = msg;
    if (!isCommandName(ch)) {
      this.safeSend(conn, { t: 'res', id, ok: false, e: { code: 'unknown_channel', message: `Unknown command: ${ch.slice(0, 64)}`, retryable: false } });
      return;
    }
    const def = commands[ch];
    const parsed = guardedParse(def.request, msg.p, `Invalid request for ${ch}`);
    if (!parsed.success) {
      this.safeSend(conn, { t: 'res', id, ok: false, e: parsed.error });
      return;
    }
    const ctrl = new AbortController();
    inflight.set(id, ctrl);
    try {
      const handler = this.handlers[ch] as (r: unknown, c: { signal: AbortSignal; origin: string }) => unknown;
      let value = await handler(parsed.data, { signal: ctrl.signal, origin: conn.label });
      if (this.validateReplies) {
        const checked = def.response.safeParse(value);
        if (!checked.success) {
          this.log.error({ ch, issues: checked.error.issues.slice(0, 3) }, 'handler reply breaks the contract');
          throw new Error(`reply to ${ch} breaks the contract`);
        }
        value = checked.data;
      }
      this.safeSend(conn, { t: 'res', id, ok: true, v: value });
    } catch (e) {
      const wire = ctrl.signal.aborted ? { code: 'cancelled' as const, message: 'Cancelled', retryable: false } : toWireError(e);
      if (wire.code === 'internal') this.log.error({ ch, err: e }, 'command failed');
      this.safeSend(conn, { t: 'res', id, ok: false, e: wire });
    } finally {
      inflight.delete(id);
    }
  }

  private safeSend(conn: HostConnection, msg: HostMessage): void {
    try {
      conn.send(msg);
    } catch (e) {
      this.log.warn({ conn: conn.label, err: e }, 'send failed');
    }
  }
}

/** `all`: every event is parsed against the contract before it is sent; `sampled`: see IpcServer.emit. */
export type EventValidation = 'all' | 'sampled';
const SAMPLE_FIRST = 100;
const SAMPLE_EVERY = 256;

/** Every event in tests (a host bug fails them loudly) and with KESTREL_VALIDATE_EVENTS=1; sampled otherwise. */
export function defaultEventValidation(env: NodeJS.ProcessEnv = process.env): EventValidation {
  return env.VITEST || env.KESTREL_VALIDATE_EVENTS === '1' ? 'all' : 'sampled';
}

function callIdOf(raw: unknown): number | null {
  if (raw === null || typeof raw !== 'object') return null;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

/**
 * safeParse does not catch what a refine or transform callback throws (a RangeError from JSON.stringify,
 * a TypeError on an odd value): that is still the client's bad input, so it is a validation error too.
 */
function guardedParse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, value: unknown, prefix = 'Malformed message'): { success: true; data: T } | { success: false; error: WireError } {
  try {
    const r = schema.safeParse(value);
    return r.success ? r : { success: false, error: zodToWire(r.error, prefix) };
  } catch (e) {
    return { success: false, error: { code: 'validation', message: `${prefix}: the payload could not be validated (${e instanceof Error ? `${e.name}: ${e.message}` : 'non-error thrown'})`.slice(0, 2_000), retryable: false } };
  }
}
