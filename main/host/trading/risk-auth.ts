/**
 * Re-authentication for risk overrides. Two kinds behind one typed interface:
 *   - passphrase (headless and fallback): the override request carries it; compared in constant time with a
 *     scrypt key derived once at start from KESTREL_RISK_PASSPHRASE (never stored, never logged);
 *   - OS user presence (the desktop app, main/app/user-presence.ts): the OS asks the person at the machine.
 * No authenticator configured = overrides are refused with a message that says how to enable them.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { userInfo } from 'node:os';
import { UnauthorizedError } from '../../core/errors.ts';

export interface RiskAuthenticator {
  readonly method: 'passphrase' | 'user-presence';
  /** Resolves with who confirmed (for the audit log); rejects with UnauthorizedError. */
  confirm(reason: string, passphrase: string | undefined): Promise<string>;
}

export class PassphraseAuthenticator implements RiskAuthenticator {
  readonly method = 'passphrase' as const;
  private readonly salt = randomBytes(16);
  private readonly key: Buffer;
  private readonly who: string;

  constructor(passphrase: string, who = osUser()) {
    if (passphrase.length < 8) throw new UnauthorizedError('the override passphrase must be at least 8 characters');
    this.key = scryptSync(passphrase, this.salt, 32);
    this.who = who;
  }

  confirm(_reason: string, passphrase: string | undefined): Promise<string> {
    if (!passphrase) return Promise.reject(new UnauthorizedError('an override needs the override passphrase'));
    const got = scryptSync(passphrase, this.salt, 32);
    if (!timingSafeEqual(got, this.key)) return Promise.reject(new UnauthorizedError('wrong override passphrase'));
    return Promise.resolve(`${this.who} (passphrase)`);
  }
}

/** Refuses every override, saying how to enable them. */
export class NoAuthenticator implements RiskAuthenticator {
  readonly method = 'passphrase' as const;
  confirm(): Promise<string> {
    return Promise.reject(new UnauthorizedError('risk overrides are not enabled: set KESTREL_RISK_PASSPHRASE (headless) or use the desktop app'));
  }
}

export function authenticatorFromEnv(env: NodeJS.ProcessEnv = process.env): RiskAuthenticator {
  const p = env.KESTREL_RISK_PASSPHRASE;
  return p ? new PassphraseAuthenticator(p) : new NoAuthenticator();
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'operator';
  }
}
