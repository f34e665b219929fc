/**
 * How the audit signing key is sealed at rest. The Electron shell seals it with the OS keychain
 * (main/app/key-vault.ts, safeStorage); headless mode with a passphrase (passphraseVault below). The host
 * takes whichever it is given and never sees how it works.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StorageError } from '../../core/errors.ts';

export interface KeyVault {
  /** Stored with the sealed key, so it is opened by the same kind of vault: 'os-keychain' | 'passphrase'. */
  readonly kind: string;
  /** Throws a StorageError saying why this vault cannot seal or open keys here (and what to do). */
  check(): void;
  seal(plain: string): Uint8Array;
  open(sealed: Uint8Array): string;
  /**
   * Does the slow part of a later open (of `sealed`) or seal (null) off the event loop, so that the sync
   * calls after it are quick. A vault with nothing slow leaves it out.
   */
  prepare?(sealed: Uint8Array | null): Promise<void>;
}

/** scrypt cost: N = 2^logN, r = 8, p = 1 (2^17 = 128 MiB, as age uses for passphrases; under a second). */
export const DEFAULT_SCRYPT_LOG_N = 17;
const MAGIC = Buffer.from('KSK1');

/**
 * AES-256-GCM under a key derived by scrypt from a passphrase. Layout: "KSK1" | logN (1 byte) | salt (16)
 * | nonce (12) | tag (16) | ciphertext. The cost travels with the file, so it can be raised later
 * without breaking older files; a wrong passphrase fails the GCM tag.
 */
export function passphraseVault(passphrase: () => string, opts: { logN?: number } = {}): KeyVault {
  const logN = opts.logN ?? DEFAULT_SCRYPT_LOG_N;
  if (!Number.isInteger(logN) || logN < 14 || logN > 22) throw new StorageError(`scrypt cost 2^${logN} is outside 2^14..2^22`);
  const params = (n: number) => ({ N: 2 ** n, r: 8, p: 1, maxmem: 128 * 2 ** n * 8 * 2 });
  // Keys derived ahead (prepare) by salt: scrypt at 2^17 takes most of a second, which must not stall the host.
  const derived = new Map<string, Buffer>();
  let nextSalt: Buffer | undefined;
  const phrase = () => {
    const p = passphrase();
    if (p.length < 8) throw new StorageError('The audit key passphrase must have at least 8 characters');
    return p.normalize('NFKC');
  };
  const derive = (salt: Buffer, n: number) => derived.get(salt.toString('hex')) ?? scryptSync(phrase(), salt, 32, params(n));
  const header = (sealed: Uint8Array): { b: Buffer; n: number; salt: Buffer } => {
    const b = Buffer.from(sealed);
    if (b.length < 49 || !b.subarray(0, 4).equals(MAGIC)) throw new StorageError('The sealed audit key is not in a format this version reads');
    const n = b[4]!;
    if (n < 14 || n > 22) throw new StorageError('The sealed audit key names an unsupported scrypt cost');
    return { b, n, salt: b.subarray(5, 21) };
  };
  return {
    kind: 'passphrase',
    check: () => void phrase(),
    async prepare(sealed) {
      const [salt, n] = sealed ? ((h) => [h.salt, h.n] as const)(header(sealed)) : [(nextSalt ??= randomBytes(16)), logN];
      const key = await new Promise<Buffer>((resolve, reject) => scrypt(phrase(), salt, 32, params(n), (e, k) => (e ? reject(e) : resolve(k))));
      derived.set(salt.toString('hex'), key);
    },
    seal(plain) {
      const salt = nextSalt ?? randomBytes(16);
      nextSalt = undefined;
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', derive(salt, logN), nonce);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([MAGIC, Buffer.from([logN]), salt, nonce, c.getAuthTag(), body]);
    },
    open(sealed) {
      const { b, n, salt } = header(sealed);
      const d = createDecipheriv('aes-256-gcm', derive(salt, n), b.subarray(21, 33));
      d.setAuthTag(b.subarray(33, 49));
      try {
        return Buffer.concat([d.update(b.subarray(49)), d.final()]).toString('utf8');
      } catch {
        throw new StorageError('Wrong passphrase for the audit signing key (or the sealed key file is damaged)');
      }
    },
  };
}

/**
 * The headless vault: the passphrase comes from the file named by KESTREL_KEY_PASSPHRASE_FILE (preferred:
 * nothing in the environment or argv of child processes) or from KESTREL_KEY_PASSPHRASE. `kestrel serve` on
 * a terminal asks for it instead when neither is set (main/cli/passphrase.ts). KESTREL_KEY_SCRYPT_LOG_N sets
 * the cost of keys sealed from now on (tests use the minimum, 14).
 */
export function environmentVault(env: NodeJS.ProcessEnv = process.env): KeyVault {
  let cached: string | undefined;
  return passphraseVault(
    () => (cached ??= passphraseFromEnvironment(env)),
    env.KESTREL_KEY_SCRYPT_LOG_N ? { logN: Number(env.KESTREL_KEY_SCRYPT_LOG_N) } : {},
  );
}

export function passphraseFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KESTREL_KEY_PASSPHRASE_FILE) {
    try {
      return readFileSync(env.KESTREL_KEY_PASSPHRASE_FILE, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new StorageError(`Cannot read KESTREL_KEY_PASSPHRASE_FILE ${env.KESTREL_KEY_PASSPHRASE_FILE}: ${(e as Error).message}`);
    }
  }
  if (env.KESTREL_KEY_PASSPHRASE) return env.KESTREL_KEY_PASSPHRASE;
  throw new StorageError(NO_PASSPHRASE);
}

export const NO_PASSPHRASE =
  'The audit signing key is sealed with a passphrase in headless mode, and none was given: run `kestrel serve` on a terminal to be asked, or set KESTREL_KEY_PASSPHRASE_FILE to a file (mode 0600) holding it (KESTREL_KEY_PASSPHRASE also works, but children inherit the environment).';
