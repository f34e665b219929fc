/**
 * The renderer's end of the live streams: one listener on `streams.update` fans updates out to whoever shows
 * that (venue, symbol, kind), and each panel holds its own subscription (the host ref-counts them), dropped when
 * the panel goes away or changes market.
 */
import { useEffect, useRef } from 'react';
import type { KestrelClient } from '../../../main/contract/index.ts';
import type { StreamKind, StreamUpdate } from '../../../main/contract/streams.ts';
import { call, getClient } from '../../ipc/client.ts';
import { useConnection } from '../../state/connection.ts';

export type UpdateOf<K extends StreamKind> = Extract<StreamUpdate, { kind: K }>;
type Listener = (u: StreamUpdate) => void;

const listeners = new Map<string, Set<Listener>>();
let attachedTo: KestrelClient | null = null;
const keyOf = (venue: string, symbol: string, kind: string) => `${venue}|${symbol}|${kind}`;

function attach(): void {
  const client = getClient();
  if (attachedTo === client) return;
  attachedTo = client;
  client.on('streams.update', (u) => {
    const set = listeners.get(keyOf(u.venue, u.symbol, u.kind));
    if (set) for (const l of set) l(u);
  });
}

/** Subscribes to one stream of a market until the returned function is called. */
export function openStream<K extends StreamKind>(venue: string, symbol: string, kind: K, listener: (u: UpdateOf<K>) => void): () => void {
  attach();
  const key = keyOf(venue, symbol, kind);
  const l = listener as Listener;
  let set = listeners.get(key);
  if (!set) listeners.set(key, (set = new Set()));
  set.add(l);
  let subscriptionId: string | null = null;
  let closed = false;
  void call('streams.subscribe', { venue, symbol, kinds: [kind] }).then((r) => {
    if (!r) return;
    if (closed) void call('streams.unsubscribe', { subscriptionId: r.subscriptionId }, { quiet: true });
    else subscriptionId = r.subscriptionId;
  });
  return () => {
    closed = true;
    set.delete(l);
    if (!set.size) listeners.delete(key);
    if (subscriptionId) void call('streams.unsubscribe', { subscriptionId }, { quiet: true });
  };
}

/** A component's subscription to one stream of a market (none while `symbol` is empty or the host is away). */
export function useStream<K extends StreamKind>(venue: string, symbol: string, kind: K, listener: (u: UpdateOf<K>) => void): void {
  const connected = useConnection((s) => s.state === 'connected');
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => {
    if (!connected || !venue || !symbol) return;
    return openStream(venue, symbol, kind, (u) => ref.current(u));
  }, [connected, venue, symbol, kind]);
}
