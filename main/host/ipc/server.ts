import { ClientMessage, commands, events, isCommandName, type EventName, type EventOf, type HostConnection, type HostMessage } from '../../contract/index.ts';
import type { Logger } from '../log.ts';
import { toWireError, zodToWire } from './errors.ts';
import type { Handlers } from './handlers.ts';

/**
 * Transport-free RPC server: validates every message and payload on arrival, dispatches to the handler
 * table, and turns every failure into a typed error reply. Nothing a client sends can throw out of here.
 */
export class IpcServer {
  private readonly connections = new Set<HostConnection>();
  private readonly handlers: Handlers;
  private readonly log: Logger;
  private readonly validateReplies: boolean;

  constructor(handlers: Handlers, log: Logger, opts: { validateReplies?: boolean } = {}) {
    this.handlers = handlers;
    this.log = log;
    this.validateReplies = opts.validateReplies ?? true;
  }

  accept(conn: HostConnection): void {
    this.connections.add(conn);
    const inflight = new Map<number, AbortController>();
    const offMsg = conn.onMessage((raw) => {
      void this.handle(conn, raw, inflight);
    });
    conn.onClose(() => {
      offMsg();
      this.connections.delete(conn);
      for (const c of inflight.values()) c.abort();
      inflight.clear();
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Pushes an event to every connected client. The payload is validated first: a host bug must not reach the UI. */
  emit<K extends EventName>(channel: K, payload: EventOf<K>): void {
    const parsed = events[channel].payload.safeParse(payload);
    if (!parsed.success) {
      this.log.error({ channel, issues: parsed.error.issues.slice(0, 3) }, 'event payload breaks the contract; dropped');
      return;
    }
    const msg: HostMessage = { t: 'evt', ch: channel, p: parsed.data };
    for (const c of this.connections) this.safeSend(c, msg);
  }

  private async handle(conn: HostConnection, raw: unknown, inflight: Map<number, AbortController>): Promise<void> {
    const env = ClientMessage.safeParse(raw);
    if (!env.success) {
      const id = raw !== null && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : null;
      const reason = (raw as { t?: unknown; reason?: unknown } | null)?.t === 'undecodable' ? String((raw as { reason?: unknown }).reason) : null;
      const e = reason ? { code: 'validation' as const, message: `Undecodable message: ${reason}`, retryable: false } : zodToWire(env.error, 'Malformed message');
      this.safeSend(conn, { t: 'res', id: Number.isSafeInteger(id) ? id : null, ok: false, e });
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
    const parsed = def.request.safeParse(msg.p);
    if (!parsed.success) {
      this.safeSend(conn, { t: 'res', id, ok: false, e: zodToWire(parsed.error, `Invalid request for ${ch}`) });
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
