/**
 * The app's audit signing key: Ed25519 (node:crypto), generated on first use. The private half is kept
 * sealed by a KeyVault (OS keychain in the desktop app, a passphrase headless) in
 * `audit-signing-key.sealed` (JSON), next to the public half in clear, so pinning the key and the
 * start-up anchor check need no secret. Its fingerprint (keyId) is what the UI and `kestrel verify`
 * show. A plain PEM left by an older version (`audit-signing-key.pem`) is sealed and removed on first load.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KestrelError, StorageError } from '../../core/errors.ts';
import type { SignatureCheck, Signer } from '../../core/audit/bundle.ts';
import { keyId } from '../../core/audit/bundle-verify.ts';
import { ensurePrivateDir } from '../private-files.ts';
import type { KeyVault } from './key-vault.ts';

export const KEY_FILE = 'audit-signing-key.sealed';
export const LEGACY_KEY_FILE = 'audit-signing-key.pem';
// DER prefix of an SPKI-wrapped raw Ed25519 public key (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface SigningKey {
  /** Raw 32-byte public key, hex. */
  readonly publicKey: string;
  readonly keyId: string;
  readonly sign: Signer;
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Buffer.from(der.subarray(der.length - 32)).toString('hex');
  return { publicKey, keyId: keyId(publicKey), sign: (msg) => new Uint8Array(sign(null, msg, privateKey)) };
}

export function generateSigningKey(): { key: SigningKey; pem: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { key: signingKeyFrom(privateKey), pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

interface SealedFile {
  readonly format: 'kestrel-sealed-key/1';
  readonly vault: string;
  readonly publicKey: string;
  readonly sealed: string;
}

function readSealed(file: string): SealedFile {
  const s = JSON.parse(readFileSync(file, 'utf8')) as SealedFile;
  if (s?.format !== 'kestrel-sealed-key/1' || typeof s.sealed !== 'string' || !/^[0-9a-f]{64}$/.test(String(s.publicKey))) throw new StorageError(`${file} is not a sealed Kestrel key`, { file });
  return s;
}

/** The data directory's public key (hex), or null when no key was created yet. Needs no secret. */
export function readPublicKey(dataDir: string): string | null {
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) return null;
  try {
    return readSealed(file).publicKey;
  } catch (e) {
    if (e instanceof KestrelError) throw e;
    throw new StorageError(`Cannot read ${file}: ${(e as Error).message}`, { file }, e);
  }
}

/** The public key of a plain PEM an older version left (not yet sealed), or null. */
export function legacyPublicKey(dataDir: string): string | null {
  const file = join(dataDir, LEGACY_KEY_FILE);
  return existsSync(file) ? signingKeyFrom(createPrivateKey(readFileSync(file, 'utf8'))).publicKey : null;
}

/** Writes the sealed key unless one exists (another process may have created it a moment ago): true if written. */
function storeOnce(file: string, vault: KeyVault, key: SigningKey, pem: string): boolean {
  const sealed: SealedFile = { format: 'kestrel-sealed-key/1', vault: vault.kind, publicKey: key.publicKey, sealed: Buffer.from(vault.seal(pem)).toString('base64') };
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(sealed) + '\n', { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function open(file: string, vault: KeyVault): SigningKey {
  const s = readSealed(file);
  if (s.vault !== vault.kind) throw new StorageError(`the audit key was sealed with the ${s.vault} vault, but this app runs with the ${vault.kind} vault`, { file });
  const key = signingKeyFrom(createPrivateKey(vault.open(Buffer.from(s.sealed, 'base64'))));
  if (key.publicKey !== s.publicKey) throw new StorageError(`${file} was tampered with: its private key does not match its public key`, { file });
  return key;
}

/** Unseals (or creates) the key the way loadOrCreateSigningKey does, with the slow derivation off the event loop. */
export async function unlockSigningKey(dataDir: string, vault: KeyVault): Promise<SigningKey> {
  const file = join(dataDir, KEY_FILE);
  try {
    vault.check();
    if (vault.prepare) await vault.prepare(existsSync(file) ? Buffer.from(readSealed(file).sealed, 'base64') : null);
  } catch (e) {
    if (e instanceof KestrelError) throw e;
    throw new StorageError(`Cannot unlock the audit signing key ${file}: ${(e as Error).message}`, { file }, e);
  }
  return loadOrCreateSigningKey(dataDir, vault);
}

/** Loads the data directory's key through `vault`, creating it (or sealing a legacy PEM) on first use. */
export function loadOrCreateSigningKey(dataDir: string, vault: KeyVault): SigningKey {
  const file = join(dataDir, KEY_FILE);
  try {
    vault.check();
    ensurePrivateDir(dataDir);
    if (existsSync(file)) return open(file, vault);
    const legacy = join(dataDir, LEGACY_KEY_FILE);
    if (existsSync(legacy)) {
      const pem = readFileSync(legacy, 'utf8');
      const key = signingKeyFrom(createPrivateKey(pem));
      if (!storeOnce(file, vault, key, pem)) return open(file, vault);
      // Overwrite before unlinking: the plain key should not linger in the file's old blocks.
      writeFileSync(legacy, Buffer.alloc(pem.length));
      rmSync(legacy);
      return key;
    }
    const { key, pem } = generateSigningKey();
    return storeOnce(file, vault, key, pem) ? key : open(file, vault);
  } catch (e) {
    if (e instanceof KestrelError) throw e;
    throw new StorageError(`Cannot load or create the audit signing key ${file}: ${(e as Error).message}`, { file }, e);
  }
}

export function publicKeyObject(rawHex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(rawHex, 'hex')]), format: 'der', type: 'spki' });
}

/** Ed25519 verification for bundle-verify.ts; false (never a throw) for malformed keys or signatures. */
export const ed25519Check: SignatureCheck = (message, signature, publicKey) => {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, message, publicKeyObject(Buffer.from(publicKey).toString('hex')), signature);
  } catch {
    return false;
  }
};
