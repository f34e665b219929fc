import { safeStorage } from 'electron';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { keychainProblem } from './key-vault.ts';

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
    return keychainProblem() === null;
  }

  private readAll(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(safeStorage.decryptString(readFileSync(this.file))) as Record<string, string>;
  }

  get(name: string): string | undefined {
    return this.readAll()[name];
  }

  set(name: string, value: string): void {
    const problem = keychainProblem();
    if (problem) throw new Error(`${problem} Refusing to store secrets.`);
    const all = { ...this.readAll(), [name]: value };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, safeStorage.encryptString(JSON.stringify(all)), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
