/** Thread entry of the SQL worker: one request at a time, answered in order, errors as typed wire errors. */
import { parentPort, workerData } from 'node:worker_threads';
import { KestrelError } from '../../main/core/errors.ts';
import { SqlHandlers } from './handlers.ts';
import type { SqlRequest, SqlResponse, SqlWorkerData } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('workers/sql/worker.ts must run in a worker thread');
const handlers = new SqlHandlers(workerData as SqlWorkerData);

port.on('message', (msg: SqlRequest | 'close') => {
  if (msg === 'close') {
    handlers.close();
    port.close();
    return;
  }
  let res: SqlResponse;
  const transfer: ArrayBuffer[] = [];
  try {
    const result = handlers.handle(msg.method, msg.params);
    collectBuffers(result, transfer);
    res = { id: msg.id, ok: true, result };
  } catch (e) {
    const k = e instanceof KestrelError ? e : null;
    res = { id: msg.id, ok: false, error: { code: k?.code ?? 'internal', message: e instanceof Error ? e.message : String(e), ...(k?.details ? { details: toPlain(k.details) } : {}) } };
  }
  port.postMessage(res, transfer);
});

/** Float64Array columns own their whole buffer (fresh allocations), so moving them is safe and free. */
function collectBuffers(v: unknown, out: ArrayBuffer[]): void {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const x of Object.values(v)) if (x instanceof Float64Array && x.byteOffset === 0 && x.buffer.byteLength === x.byteLength && x.buffer instanceof ArrayBuffer) out.push(x.buffer);
  }
}

function toPlain(d: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return structuredClone(d) as Record<string, unknown>;
  } catch {
    return JSON.parse(JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
  }
}
