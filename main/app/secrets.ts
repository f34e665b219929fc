import { safeStorage } from 'electron';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Exchange API keys, encrypted with the OS keychain through safeStorage. Never sent to the renderer and never
 * given to strategies; only the venue connectors receive them from the main process.
 */
export class SecretStore {
  private readonly file: string;
  constructor(dataDir: string) {
    this.file = join(dataDir, 'secrets.bin');
  }

  available(): boolean {
    return safeStorage.isEncryptionAvailable();
  }

  private readAll(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(safeStorage.decryptString(readFileSync(this.file))) as Record<string, string>;
  }

  get(name: string): string | undefined {
    return this.readAll()[name];
  }

  set(name: string, value: string): void {
    if (!this.available()) throw new Error('OS encryption is unavailable; refusing to store secrets in plain text');
    const all = { ...this.readAll(), [name]: value };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, safeStorage.encryptString(JSON.stringify(all)), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
