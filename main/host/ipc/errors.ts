import { ZodError } from 'zod';
import { KestrelError } from '../../core/errors.ts';
import type { WireError } from '../../contract/index.ts';

const MAX_MESSAGE = 2_000;

/** Maps anything a handler throws to the wire shape. Unknown errors become `internal` with no stack leaked. */
export function toWireError(e: unknown): WireError {
  if (e instanceof KestrelError) {
    return { code: e.code, message: e.message.slice(0, MAX_MESSAGE), retryable: e.retryable, ...(e.details ? { details: safeDetails(e.details) } : {}) };
  }
  if (e instanceof ZodError) return zodToWire(e, 'Invalid input');
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `Internal error: ${message.slice(0, MAX_MESSAGE)}`, retryable: false };
}

export function zodToWire(e: ZodError, prefix: string): WireError {
  const issues = e.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  const where = first && first.path ? ` at ${first.path}` : '';
  return { code: 'validation', message: `${prefix}${where}: ${first?.message ?? 'invalid'}`, retryable: false, details: { issues } };
}

function safeDetails(d: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
  } catch {
    return {};
  }
}
