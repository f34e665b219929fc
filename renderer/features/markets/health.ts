/**
 * How a venue's stream health reads at a glance: red when its streams are down (dropped, reconnecting,
 * stalled, unreachable, rate limited), amber while connecting or when a live connection has gone quiet for
 * longer than a subscribed book or ticker ever is, green when live.
 */
import type { StreamState } from '../../../main/contract/streams.ts';

export interface HealthFigures {
  state: StreamState;
  connected: boolean;
  /** ms since the last message when the figures were sent; null before the first. */
  lastMessageAgeMs: number | null;
}

export type HealthLevel = 'ok' | 'stale' | 'down' | 'idle';

/** Quiet this long with a live connection counts as stale (a subscribed book or ticker speaks every second). */
export const STALE_MS = 5_000;

const DOWN: ReadonlySet<StreamState> = new Set(['reconnecting', 'stalled', 'rate-limited', 'unreachable', 'failed']);

/** `sinceMs`: how long ago the figures arrived (the age keeps growing between two health events). */
export function healthLevel(h: HealthFigures, sinceMs = 0): HealthLevel {
  if (h.state === 'idle') return 'idle';
  if (DOWN.has(h.state) || (h.state === 'live' && !h.connected)) return 'down';
  if (h.state === 'connecting') return 'stale';
  const age = h.lastMessageAgeMs === null ? null : h.lastMessageAgeMs + Math.max(0, sinceMs);
  return age === null || age > STALE_MS ? 'stale' : 'ok';
}

/** "0.4 s", "12 s", "3 min" — the age of the last message, as short as a status bar needs. */
export function fmtAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const a = Math.max(0, ms);
  if (a < 10_000) return `${(a / 1000).toFixed(1)} s`;
  if (a < 120_000) return `${Math.round(a / 1000)} s`;
  return `${Math.round(a / 60_000)} min`;
}

export function fmtLag(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return Math.abs(ms) < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
