/**
 * OS user presence for risk overrides in the desktop app: Touch ID where the OS offers it (macOS), else the
 * passphrase path. Implements the host's RiskAuthenticator, so the trading service takes it like any other.
 */
import { systemPreferences } from 'electron';
import { userInfo } from 'node:os';
import { UnauthorizedError } from '../core/errors.ts';
import type { RiskAuthenticator } from '../host/trading/risk-auth.ts';

export class UserPresenceAuthenticator implements RiskAuthenticator {
  readonly method = 'user-presence' as const;
  private readonly fallback: RiskAuthenticator;

  constructor(fallback: RiskAuthenticator) {
    this.fallback = fallback;
  }

  async confirm(reason: string, passphrase: string | undefined): Promise<string> {
    if (process.platform !== 'darwin' || !systemPreferences.canPromptTouchID()) return this.fallback.confirm(reason, passphrase);
    try {
      await systemPreferences.promptTouchID(`override a risk limit: ${reason.slice(0, 120)}`);
    } catch {
      throw new UnauthorizedError('user presence was not confirmed');
    }
    return `${userInfo().username} (Touch ID)`;
  }
}
