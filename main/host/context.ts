import type { EngineStatus, EventName, EventOf } from '../contract/index.ts';
import type { KeyVault } from './audit/key-vault.ts';
import type { Logger } from './log.ts';
import type { RiskAuthenticator } from './trading/risk-auth.ts';

export type HostMode = 'electron' | 'headless' | 'memory';

/** What every feature's handlers and services receive: where data lives, how to log, how to push events. */
export interface HostContext {
  readonly mode: HostMode;
  readonly dataDir: string;
  readonly version: string;
  readonly startedAt: number;
  readonly log: Logger;
  /** Seals the audit signing key at rest (OS keychain in Electron); absent: the headless passphrase vault. */
  readonly keyVault?: KeyVault;
  /** Re-authenticates risk overrides (Touch ID in Electron); absent: KESTREL_RISK_PASSPHRASE, else refused. */
  readonly riskAuthenticator?: RiskAuthenticator;
  emit<K extends EventName>(channel: K, payload: EventOf<K>): void;
  engineStatus(): EngineStatus;
  setEngineStatus(status: EngineStatus): void;
}
