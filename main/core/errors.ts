/**
 * The one error tree of Kestrel. Every layer throws these (or maps foreign errors into them at its edge),
 * so the host can turn any failure into a typed wire error and the UI can say something readable.
 */
export type ErrorCode =
  | 'validation'
  | 'risk_rejected'
  | 'illegal_transition'
  | 'venue_network'
  | 'venue_rejected'
  | 'storage'
  | 'data_quality'
  | 'not_found'
  | 'conflict'
  | 'cancelled'
  | 'timeout'
  | 'strategy'
  | 'unknown_channel'
  /** Re-authentication failed or was refused (risk overrides). */
  | 'unauthorized'
  | 'internal';

export interface ErrorIssue {
  /** Dotted path of the offending field, e.g. `rules.entry.long.0.period`. Empty for the whole input. */
  readonly path: string;
  readonly message: string;
}

export class KestrelError extends Error {
  readonly code: ErrorCode;
  /** True when the same call may succeed if tried again later (network, rate limit, lock). */
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
}

export class ValidationError extends KestrelError {
  readonly issues: readonly ErrorIssue[];
  constructor(message: string, issues: readonly ErrorIssue[] = [], details?: Record<string, unknown>) {
    super('validation', message, { details: { ...details, issues } });
    this.issues = issues;
  }
}

export interface RiskReason {
  /** Machine-readable rule id, e.g. `max_order_notional`. */
  readonly rule: string;
  readonly message: string;
  readonly limit?: string | number;
  readonly actual?: string | number;
}

export class RiskRejectedError extends KestrelError {
  readonly reasons: readonly RiskReason[];
  constructor(reasons: readonly RiskReason[]) {
    super('risk_rejected', `Rejected by risk gate: ${reasons.map((r) => r.message).join('; ')}`, { details: { reasons } });
    this.reasons = reasons;
  }
}

export class UnauthorizedError extends KestrelError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

export class IllegalTransitionError extends KestrelError {
  constructor(entity: string, from: string, to: string, details?: Record<string, unknown>) {
    super('illegal_transition', `Illegal ${entity} transition ${from} → ${to}`, { details: { entity, from, to, ...details } });
  }
}

/** A venue could not be reached or answered in a way that may change on retry (timeouts, 5xx, 429). */
export class VenueNetworkError extends KestrelError {
  constructor(message: string, details?: Record<string, unknown>, cause?: unknown) {
    super('venue_network', message, { retryable: true, details, cause });
  }
}

/** The venue understood and refused (insufficient funds, bad symbol, invalid order): retrying will not help. */
export class VenueRejectedError extends KestrelError {
  constructor(message: string, details?: Record<string, unknown>, cause?: unknown) {
    super('venue_rejected', message, { retryable: false, details, cause });
  }
}

export class StorageError extends KestrelError {
  constructor(message: string, details?: Record<string, unknown>, cause?: unknown) {
    super('storage', message, { details, cause });
  }
}

export class DataQualityError extends KestrelError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('data_quality', message, { details });
  }
}

export class NotFoundError extends KestrelError {
  constructor(what: string, id: string) {
    super('not_found', `${what} not found: ${id}`, { details: { what, id } });
  }
}

export class CancelledError extends KestrelError {
  constructor(message = 'Cancelled') {
    super('cancelled', message);
  }
}

export class StrategyError extends KestrelError {
  constructor(message: string, details?: Record<string, unknown>, cause?: unknown) {
    super('strategy', message, { details, cause });
  }
}

export function isKestrelError(e: unknown): e is KestrelError {
  return e instanceof KestrelError;
}
