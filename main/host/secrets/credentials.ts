/**
 * Exchange keys entered in Settings: checked with a read-only call on the venue they are for (through the
 * same ccxt client a live connection uses, Kestrel Sim included), refused when the venue says they can
 * withdraw, stored sealed in the SecretStore, listed by reference and fingerprint only. `resolve` hands
 * the key to a venue connector in the main process; it is the only way out.
 *
 * Every message that leaves here (errors, warnings) is scrubbed of the key, secret and passphrase, since
 * exchange error texts are hostile input that may echo what was sent.
 */
import { createHash } from 'node:crypto';
import type { CredentialList, CredentialView } from '../../contract/credentials.ts';
import type { SettingsDocument } from '../../contract/settings.ts';
import { KestrelError, NotFoundError, ValidationError, VenueNetworkError } from '../../core/errors.ts';
import type { KeyCheck } from '../../venues/ccxt/credentials.ts';
import type { SecretMeta, SecretStore } from './store.ts';

export interface ExchangeKey {
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string;
}

export interface KeyToCheck extends ExchangeKey {
  readonly exchange: string;
  /** Loopback endpoints of a built-in venue (Kestrel Sim). */
  readonly endpoints?: { rest: string; ws: string };
  readonly sandbox: boolean;
}

export interface CredentialsDeps {
  readonly store: SecretStore;
  readonly vaultKind: string;
  settings(): SettingsDocument;
  /** Endpoints of a built-in venue, starting it when needed. */
  builtinEndpoints(venueId: string): Promise<{ rest: string; ws: string }>;
  /** The read-only check (main/venues/ccxt/credentials.ts through a one-off connection). */
  check(k: KeyToCheck): Promise<KeyCheck>;
  now?(): number;
}

export interface SetCredential extends ExchangeKey {
  readonly ref: string;
  readonly venue: string;
  readonly environment: 'live' | 'testnet';
}

export const NO_IP_RESTRICTION = 'The key is not restricted to IP addresses: anyone who obtains it can trade from anywhere. Restrict it to your IP address in the exchange\'s API settings.';
export const UNKNOWN_RESTRICTIONS = 'This venue does not tell whether the key can withdraw or is bound to IP addresses: make sure withdrawals are disabled for it on the exchange.';

export function keyFingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 8);
}

/** Replaces every occurrence of the given secrets (and their URL-encoded forms) in a text. */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('[redacted]');
  }
  return out;
}

export class Credentials {
  private readonly d: CredentialsDeps;

  constructor(deps: CredentialsDeps) {
    this.d = deps;
  }

  list(): CredentialList {
    return { credentials: this.d.store.list().map(({ ref, meta }) => this.view(ref, meta)), vault: this.d.vaultKind };
  }

  async set(r: SetCredential): Promise<CredentialView> {
    const venue = this.d.settings().venues.find((v) => v.id === r.venue);
    if (!venue) throw new NotFoundError('venue', r.venue);
    const secrets = [r.apiKey, r.secret, r.password];
    let check: KeyCheck;
    try {
      const endpoints = venue.builtin ? await this.d.builtinEndpoints(venue.id) : undefined;
      check = await this.d.check({ exchange: venue.exchange, apiKey: r.apiKey, secret: r.secret, ...(r.password ? { password: r.password } : {}), ...(endpoints ? { endpoints } : {}), sandbox: r.environment === 'testnet' });
    } catch (e) {
      const msg = scrub(e instanceof Error ? e.message : String(e), secrets);
      // A fresh error without the cause: the original may carry the request that was signed.
      if (e instanceof KestrelError && e.code === 'venue_network') throw new VenueNetworkError(`Could not reach ${venue.name} to check the key: ${msg}`, { venue: venue.id });
      throw new ValidationError(`${venue.name} refused the key on a read-only check: ${msg}`, [{ path: 'apiKey', message: 'refused by the venue' }]);
    }
    if (check.withdrawals === true) {
      throw new ValidationError(`This key can withdraw funds from ${venue.name}. Kestrel refuses such keys: create one without the withdrawal permission.`, [{ path: 'apiKey', message: 'withdrawals enabled' }]);
    }
    const warnings = check.withdrawals === null ? [UNKNOWN_RESTRICTIONS] : check.ipRestricted === false ? [NO_IP_RESTRICTION] : [];
    const now = this.d.now?.() ?? Date.now();
    const meta: SecretMeta = {
      kind: 'exchange-key', venue: venue.id, environment: r.environment, keyId: keyFingerprint(r.apiKey), createdAt: now, checkedAt: now,
      ...(check.withdrawals !== null ? { withdrawals: false } : {}), ipRestricted: check.ipRestricted, warnings,
    };
    const value: ExchangeKey = { apiKey: r.apiKey, secret: r.secret, ...(r.password ? { password: r.password } : {}) };
    await this.d.store.set(r.ref, JSON.stringify(value), meta);
    return this.view(r.ref, meta);
  }

  /** A password or token (a sweep queue's, an alert channel's URL or signing key, an inbound hook's secret): nothing to check it against here. */
  async setPassword(ref: string, value: string): Promise<CredentialView> {
    const meta: SecretMeta = { kind: 'password', createdAt: this.d.now?.() ?? Date.now(), warnings: [] };
    await this.d.store.set(ref, value, meta);
    return this.view(ref, meta);
  }

  async delete(ref: string): Promise<CredentialList> {
    if (!(await this.d.store.delete(ref))) throw new NotFoundError('credential', ref);
    return this.list();
  }

  /** The key behind `ref`, for a venue connector in the main process (never for the renderer). */
  async resolve(ref: string): Promise<ExchangeKey> {
    const meta = this.d.store.meta(ref);
    if (!meta || meta.kind !== 'exchange-key') throw new NotFoundError('exchange key', ref);
    return JSON.parse(await this.d.store.reveal(ref)) as ExchangeKey;
  }

  private view(ref: string, m: SecretMeta): CredentialView {
    const doc = this.d.settings();
    const usedBy = [
      ...doc.accounts.filter((a) => a.credentials === ref).map((a) => a.id), ...doc.clusters.filter((c) => c.password === ref).map((c) => `cluster:${c.id}`),
      ...doc.alertChannels.filter((c) => c.kind === 'webhook' && (c.url === ref || c.signingSecret === ref)).map((c) => `channel:${c.id}`),
      ...doc.webhooks.hooks.filter((h) => h.secret === ref).map((h) => `hook:${h.id}`),
    ];
    return {
      ref, kind: m.kind, venue: m.venue ?? null, environment: m.environment ?? null, keyId: m.keyId ?? null, createdAt: m.createdAt, checkedAt: m.checkedAt ?? null,
      ipRestricted: m.ipRestricted ?? null, warnings: m.warnings, usedBy,
    };
  }
}
