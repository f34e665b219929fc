import { RemoteError } from './errors.ts';
import { HostMessage, type ClientPort } from './messages.ts';
import { commands, events, isEventName, type CommandName, type EventName, type EventOf, type RequestOf, type ResponseOf } from './registry.ts';

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface KestrelClient {
  call<K extends CommandName>(channel: K, request: RequestOf<K>, opts?: CallOptions): Promise<ResponseOf<K>>;
  on<K extends EventName>(channel: K, listener: (payload: EventOf<K>) => void): () => void;
  close(): void;
}

/**
 * The typed client, shared by every transport (Electron, WebSocket, in-memory). Responses and events are
 * validated on arrival, so a renderer never renders a shape the contract does not promise.
 */
export function createClient(port: ClientPort): KestrelClient {
  let nextId = 1;
  const pending = new Map<number, { channel: CommandName; resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();

  const fail = (id: number, err: unknown) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    p.reject(err);
  };

  const off = port.onMessage((raw) => {
    const parsed = HostMessage.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.t === 'evt') {
      if (!isEventName(msg.ch)) return;
      const set = listeners.get(msg.ch);
      if (!set || set.size === 0) return;
      const payload = events[msg.ch].payload.safeParse(msg.p);
      if (!payload.success) return;
      for (const l of set) l(payload.data);
      return;
    }
    if (msg.id === null) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (!msg.ok) {
      p.reject(new RemoteError(p.channel, msg.e));
      return;
    }
    const res = commands[p.channel].response.safeParse(msg.v);
    if (res.success) p.resolve(res.data);
    else p.reject(new RemoteError(p.channel, { code: 'internal', message: `host reply breaks the contract: ${res.error.issues[0]?.message ?? ''}`, retryable: false }));
  });

  return {
    call(channel, request, opts = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { channel, resolve: resolve as (v: unknown) => void, reject });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const cleanup = () => {
          if (timer) clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
        };
        const onAbort = () => {
          port.send({ t: 'cancel', id });
          fail(id, new RemoteError(channel, { code: 'cancelled', message: 'Cancelled by the user', retryable: false }));
        };
        if (opts.signal) {
          if (opts.signal.aborted) return onAbort();
          opts.signal.addEventListener('abort', onAbort, { once: true });
        }
        if (opts.timeoutMs) {
          timer = setTimeout(() => fail(id, new RemoteError(channel, { code: 'timeout', message: `No reply to ${channel} within ${opts.timeoutMs} ms`, retryable: true })), opts.timeoutMs);
        }
        const p = pending.get(id)!;
        const origResolve = p.resolve;
        const origReject = p.reject;
        p.resolve = (v) => (cleanup(), origResolve(v));
        p.reject = (e) => (cleanup(), origReject(e));
        try {
          port.send({ t: 'call', id, ch: channel, p: request });
        } catch (e) {
          fail(id, new RemoteError(channel, { code: 'internal', message: `transport failed: ${(e as Error).message}`, retryable: true }));
        }
      });
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    close() {
      off();
      for (const id of [...pending.keys()]) fail(id, new RemoteError(pending.get(id)!.channel, { code: 'cancelled', message: 'Connection closed', retryable: true }));
      port.close?.();
    },
  };
}

