/**
 * How a venue's stream health reads at a glance: red when the connection dropped, amber when it is up but
 * quiet for longer than the venue's own rhythm allows, green otherwise.
 */

export interface HealthFigures {
  connected: boolean;
  /** Wall time of the last message received, or null before the first. */
  lastMessageAt: number | null;
  /** Our receipt time minus the venue's event time, in ms (null when unknown). */
  lagMs: number | null;
  reconnects: number;
  dropped: number;
}

export type HealthLevel = 'ok' | 'stale' | 'down';

/** Quiet this long with a live connection counts as stale (a subscribed book or ticker speaks every second). */
export const STALE_MS = 5_000;

export function healthLevel(h: HealthFigures, now: number): HealthLevel {
  if (!h.connected) return 'down';
  if (h.lastMessageAt === null || now - h.lastMessageAt > STALE_MS) return 'stale';
  return 'ok';
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
