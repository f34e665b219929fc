/**
 * The secret store: exchange keys and other credentials, sealed at rest by the host's KeyVault — the OS
 * keychain through Electron's safeStorage in the app (refusing Linux's `basic_text` fallback,
 * main/app/key-vault.ts), AES-256-GCM under a scrypt-derived key in headless mode, with the same
 * passphrase as the audit signing key (KESTREL_KEY_PASSPHRASE_FILE, or asked by `kestrel serve`).
 *
 * `<dataDir>/secrets.json` holds, in clear, only what is not secret — each entry's reference, kind and
 * metadata (venue, a fingerprint of the key, the outcome of the last check) — so the Settings panel can
 * list them without unsealing; the values are one sealed blob. Writes are atomic (temp file, fsync,
 * rename, mode 0600). The values leave this module only through `reveal`, for the venue connectors in
 * the main process: never to the renderer, a log, a database or an export.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { NotFoundError, StorageError } from '../../core/errors.ts';
import type { KeyVault } from '../audit/key-vault.ts';
import { PRIVATE_FILE_MODE } from '../private-files.ts';

export const SECRETS_FILE = 'secrets.json';
const FORMAT = 'kestrel-secrets/1';

export const SecretRef = z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,79}$/, 'lower-case letters, digits and : . _ -, at most 80');

/** What is kept in clear about a secret: never the value, nor anything it can be derived from. */
export const SecretMeta = z
  .object({
    kind: z.enum(['exchange-key', 'password']),
    /** The settings venue an exchange key belongs to. */
    venue: z.string().max(40).optional(),
    environment: z.enum(['live', 'testnet']).optional(),
    /** First 8 hex digits of SHA-256 of the API key: tells keys apart without revealing one. */
    keyId: z.string().regex(/^[0-9a-f]{8}$/).optional(),
    createdAt: z.number().int(),
    checkedAt: z.number().int().optional(),
    /** The venue said the key can withdraw: refused at entry, so stored false. */
    withdrawals: z.boolean().optional(),
    /** The venue said the key is bound to IP addresses (null: the venue does not tell). */
    ipRestricted: z.boolean().nullable().optional(),
    warnings: z.array(z.string().max(300)).max(10).default([]),
  })
  .strict();
export type SecretMeta = z.infer<typeof SecretMeta>;

const SecretsFile = z
  .object({
    format: z.literal(FORMAT),
    vault: z.string().max(40),
    entries: z.record(SecretRef, SecretMeta),
    sealed: z.string().max(10_000_000),
  })
  .strict();
type SecretsFile = z.infer<typeof SecretsFile>;

export class SecretStore {
  readonly file: string;
  private readonly vault: KeyVault;
  private values: Map<string, string> | undefined;
  private unlocking: Promise<Map<string, string>> | undefined;
  /** One write at a time: each reads the values, changes one and seals them all again. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, vault: KeyVault) {
    this.file = join(dataDir, SECRETS_FILE);
    this.vault = vault;
  }

  /** References and metadata, without unsealing anything. */
  list(): { ref: string; meta: SecretMeta }[] {
    const f = this.read();
    return f ? Object.entries(f.entries).map(([ref, meta]) => ({ ref, meta })) : [];
  }

  meta(ref: string): SecretMeta | undefined {
    return this.read()?.entries[ref];
  }

  /** Whether the values are unsealed in memory (sync lookups work then). */
  get unlocked(): boolean {
    return this.values !== undefined;
  }

  /** Unseals the values (the passphrase vault derives its key off the event loop first). */
  async unlock(): Promise<void> {
    await this.load();
  }

  /** The value of `ref`, for a venue connector in the main process. */
  async reveal(ref: string): Promise<string> {
    const v = (await this.load()).get(ref);
    if (v === undefined) throw new NotFoundError('secret', ref);
    return v;
  }

  /** The value when the store is already unlocked (sync callers, e.g. queue connections); undefined otherwise. */
  peek(ref: string): string | undefined {
    return this.values?.get(ref);
  }

  async set(ref: string, value: string, meta: SecretMeta): Promise<void> {
    SecretRef.parse(ref);
    const m = SecretMeta.parse(meta);
    await this.serial(async () => {
      const values = new Map(await this.load());
      values.set(ref, value);
      const entries = { ...(this.read()?.entries ?? {}), [ref]: m };
      await this.write(entries, values);
    });
  }

  async delete(ref: string): Promise<boolean> {
    return this.serial(async () => {
      const f = this.read();
      if (!f || !Object.hasOwn(f.entries, ref)) return false;
      const values = new Map(await this.load());
      values.delete(ref);
      const { [ref]: _gone, ...entries } = f.entries;
      await this.write(entries, values);
      return true;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private read(): SecretsFile | undefined {
    if (!existsSync(this.file)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (e) {
      throw new StorageError(`The secret store ${this.file} cannot be read (${(e as Error).message}); Kestrel leaves it as it is.`, { file: this.file });
    }
    const r = SecretsFile.safeParse(json);
    if (!r.success) throw new StorageError(`The secret store ${this.file} is not in a format this version reads; Kestrel leaves it as it is.`, { file: this.file });
    return r.data;
  }

  private load(): Promise<Map<string, string>> {
    if (this.values) return Promise.resolve(this.values);
    this.unlocking ??= (async () => {
      try {
        this.vault.check();
        const f = this.read();
        if (!f) return (this.values = new Map());
        if (f.vault !== this.vault.kind) throw new StorageError(`The secret store was sealed with the ${f.vault} vault, but this app runs with the ${this.vault.kind} vault.`, { file: this.file });
        const sealed = Buffer.from(f.sealed, 'base64');
        await this.vault.prepare?.(sealed);
        let plain: string;
        try {
          plain = this.vault.open(sealed);
        } catch (e) {
          throw new StorageError(`The secret store cannot be unsealed: ${(e as Error).message.replace('audit signing key', 'secret store')}`, { file: this.file });
        }
        const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(plain));
        if (!parsed.success) throw new StorageError('The secret store unsealed to something this version does not read.', { file: this.file });
        return (this.values = new Map(Object.entries(parsed.data)));
      } finally {
        this.unlocking = undefined;
      }
    })();
    return this.unlocking;
  }

  private async write(entries: Record<string, SecretMeta>, values: Map<string, string>): Promise<void> {
    this.vault.check();
    await this.vault.prepare?.(null);
    const sealed = Buffer.from(this.vault.seal(JSON.stringify(Object.fromEntries(values)))).toString('base64');
    const doc: SecretsFile = { format: FORMAT, vault: this.vault.kind, entries, sealed };
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
    try {
      writeFileSync(fd, JSON.stringify(doc, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.values = values;
  }
}
