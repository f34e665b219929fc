/**
 * Exchange keys, write-only. `credentials.set` carries a key and secret from the Settings panel to the host
 * once; nothing ever carries them back: the views name a key by its reference and a fingerprint (the first
 * 8 hex digits of SHA-256 of the API key), never by any part of the key itself.
 */
import { z } from 'zod';
import { command, empty, req } from './define.ts';
import { SettingsId } from './settings.ts';

/** The name of a secret in the store (what an account's `credentials` and a cluster's `password` hold). */
export const CredentialRef = z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,79}$/, 'lower-case letters, digits and : . _ -, at most 80');

/** Key material: printable ASCII without spaces; validation messages never echo the value. */
const KeyText = (what: string, max: number, pem = false) => z.string().min(1, `the ${what} is empty`).max(max, `the ${what} is too long`).regex(pem ? /^[\x20-\x7e\r\n]+$/ : /^[\x21-\x7e]+$/, `the ${what} has characters an exchange key never has`);

export const CredentialView = z.object({
  ref: CredentialRef,
  kind: z.enum(['exchange-key', 'password']),
  venue: z.string().nullable(),
  environment: z.enum(['live', 'testnet']).nullable(),
  /** A fingerprint of the API key, to tell keys apart; not part of the key. */
  keyId: z.string().nullable(),
  createdAt: z.number(),
  checkedAt: z.number().nullable(),
  /** What the venue said at the check; null when it does not tell. */
  ipRestricted: z.boolean().nullable(),
  warnings: z.array(z.string()),
  /** Accounts of the settings that use it. */
  usedBy: z.array(z.string()),
});
export type CredentialView = z.infer<typeof CredentialView>;

export const CredentialList = z.object({
  credentials: z.array(CredentialView),
  /** How values are sealed here: 'os-keychain' (Electron safeStorage) or 'passphrase' (headless). */
  vault: z.string(),
});
export type CredentialList = z.infer<typeof CredentialList>;

export const credentialCommands = {
  'credentials.list': command('Stored credentials by reference, with the outcome of their check; never a key or secret.', empty, CredentialList),
  'credentials.set': command(
    'Checks an exchange key with a read-only call (balance; API restrictions where the venue tells), refuses keys that can withdraw, then stores it sealed under `ref`. The reply never contains the key.',
    req({
      ref: CredentialRef,
      venue: SettingsId,
      environment: z.enum(['live', 'testnet']).default('live'),
      apiKey: KeyText('API key', 256),
      secret: KeyText('secret', 4096, true),
      password: KeyText('passphrase', 256).optional(),
    }),
    CredentialView,
  ),
  'credentials.setPassword': command(
    'Stores a password (e.g. a sweep queue\'s Redis password) sealed under `ref`, for settings that name it. The reply never contains it.',
    req({ ref: CredentialRef, value: KeyText('password', 1024, true) }),
    CredentialView,
  ),
  'credentials.delete': command('Removes a stored credential (accounts naming it can no longer connect).', req({ ref: CredentialRef }), CredentialList),
};
