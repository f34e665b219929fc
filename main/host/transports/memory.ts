import type { ClientPort, HostConnection } from '../../contract/index.ts';
import type { IpcServer } from '../ipc/server.ts';

/**
 * An in-process transport for tests and workers. Messages are structured-cloned and delivered on a later
 * microtask, so nothing can rely on sharing objects or on synchronous replies that real transports lack.
 */
export function connectInMemory(server: IpcServer, label = 'memory'): ClientPort {
  const toHost = new Set<(m: unknown) => void>();
  const toClient = new Set<(m: unknown) => void>();
  const closeListeners = new Set<() => void>();
  let open = true;
  const deliver = (set: Set<(m: unknown) => void>, msg: unknown) => {
    let copy: unknown;
    try {
      copy = structuredClone(msg);
    } catch (e) {
      // What a real transport does with an unserialisable message: the host hears of it and answers with a typed error.
      const id = (msg as { id?: unknown } | null)?.id;
      copy = { t: 'undecodable', id: typeof id === 'number' ? id : null, reason: (e as Error).message };
    }
    queueMicrotask(() => {
      if (open) for (const l of set) l(copy);
    });
  };
  const conn: HostConnection = {
    label,
    send: (m) => deliver(toClient, m),
    onMessage: (l) => (toHost.add(l), () => toHost.delete(l)),
    onClose: (l) => (closeListeners.add(l), () => closeListeners.delete(l)),
  };
  server.accept(conn);
  return {
    send: (m) => {
      if (!open) throw new Error('connection closed');
      deliver(toHost, m);
    },
    onMessage: (l) => (toClient.add(l), () => toClient.delete(l)),
    close: () => {
      if (!open) return;
      open = false;
      for (const l of closeListeners) l();
    },
  };
}

/** Sends a raw, unvalidated message, as a hostile client would. Tests only. */
export function rawPort(port: ClientPort): { send(raw: unknown): void } {
  return { send: (raw) => port.send(raw as never) };
}
