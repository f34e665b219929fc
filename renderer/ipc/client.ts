import { createClient, RemoteError, type CommandName, type KestrelClient, type RequestOf, type ResponseOf } from '../../main/contract/index.ts';
import { useConnection } from '../state/connection.ts';
import { useNotices } from '../state/notices.ts';
import { openTransport } from './transport.ts';
import { errorTitle } from './describe.ts';

let client: KestrelClient | null = null;

/** Opens the one connection to the host; every store talks through it. */
export async function connect(): Promise<KestrelClient> {
  const t = openTransport();
  useConnection.getState().set({ state: 'connecting', transport: t.kind });
  t.onClose((reason) => useConnection.getState().set({ state: 'disconnected', detail: reason }));
  await t.ready;
  client = createClient(t.port);
  useConnection.getState().set({ state: 'connected', transport: t.kind });
  return client;
}

export function getClient(): KestrelClient {
  if (!client) throw new Error('not connected to the host');
  return client;
}

/**
 * Calls a command and reports any failure to the user as a readable notice: nothing fails silently.
 * Returns undefined on failure so callers can bail out without their own try/catch.
 */
export async function call<K extends CommandName>(channel: K, request: RequestOf<K>, opts?: { signal?: AbortSignal; quiet?: boolean }): Promise<ResponseOf<K> | undefined> {
  try {
    return await getClient().call(channel, request, opts?.signal ? { signal: opts.signal } : {});
  } catch (e) {
    if (!opts?.quiet) useNotices.getState().push(describeError(channel, e));
    return undefined;
  }
}

/** A notice for a failed call, in words (the channel and code stay in the host's log). */
export function describeError(channel: string, e: unknown): { level: 'error'; title: string; message: string } {
  if (e instanceof RemoteError) return { level: 'error', title: errorTitle(channel, e.code), message: e.message };
  return { level: 'error', title: errorTitle(channel), message: e instanceof Error ? e.message : String(e) };
}
