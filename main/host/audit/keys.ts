/**
 * The app's audit signing key: Ed25519 (node:crypto), generated on first use and kept in the data
 * directory (`audit-signing-key.pem`, mode 0600). The public half is what a verifier pins; its fingerprint
 * (keyId) is shown in the UI and printed by `kestrel verify`. The Electron shell may later wrap the PEM with
 * safeStorage; the format on disk stays PKCS#8 so that is a change in one place.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../../core/errors.ts';
import type { SignatureCheck, Signer } from '../../core/audit/bundle.ts';
import { keyId } from '../../core/audit/bundle-verify.ts';

export const KEY_FILE = 'audit-signing-key.pem';
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

/** Loads the data directory's key, creating it on first use. */
export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const file = join(dataDir, KEY_FILE);
  try {
    if (existsSync(file)) return signingKeyFrom(createPrivateKey(readFileSync(file, 'utf8')));
    mkdirSync(dataDir, { recursive: true });
    const { key, pem } = generateSigningKey();
    // 'wx' refuses to overwrite a key another process created a moment ago; then we read that one.
    try {
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return signingKeyFrom(createPrivateKey(readFileSync(file, 'utf8')));
      throw e;
    }
    try {
      chmodSync(file, 0o600);
    } catch {
      // best effort on filesystems without modes
    }
    return key;
  } catch (e) {
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
