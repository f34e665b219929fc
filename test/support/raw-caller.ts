export type RawPort = { send(raw: unknown): void; onMessage(l: (m: unknown) => void): () => void };

/** Sends raw calls on a port and resolves each with its reply, matched by id (every call must get one). */
export function caller(port: RawPort): (ch: string, p: unknown) => Promise<Record<string, unknown>> {
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  port.onMessage((m) => {
    const msg = m as Record<string, unknown>;
    if (msg.t === 'res' && typeof msg.id === 'number') waiting.get(msg.id)?.(msg);
  });
  let id = 1;
  return (ch, p) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const my = id++;
      const timer = setTimeout(() => reject(new Error(`no reply for ${ch} (call ${my})`)), 120_000);
      waiting.set(my, (m) => (clearTimeout(timer), waiting.delete(my), resolve(m)));
      port.send({ t: 'call', id: my, ch, p });
    });
}
