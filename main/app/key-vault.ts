import { safeStorage } from 'electron';
import { StorageError } from '../core/errors.ts';
import type { KeyVault } from '../host/audit/key-vault.ts';

/**
 * Why the OS keychain cannot protect secrets here, or null when it can. On Linux, Chromium falls back to
 * `basic_text` (a key hard-coded in the binary) when no Secret Service or KWallet is found: encryption
 * "works" but protects nothing, so it is refused like no encryption at all.
 */
export function keychainProblem(platform: NodeJS.Platform = process.platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'The OS keychain is not available, so Kestrel cannot keep its audit signing key (or exchange keys) encrypted.';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return `The OS keychain backend is "${backend}": no Secret Service (GNOME Keyring, KeePassXC) or KWallet was found, and Chromium's fallback stores secrets under a key anyone can read. Install and unlock one (e.g. gnome-keyring), or start Kestrel with --password-store=gnome-libsecret or kwallet5.`;
    }
  }
  return null;
}

/** The desktop app's vault: the audit signing key sealed by the OS keychain through safeStorage. */
export function osKeychainVault(): KeyVault {
  const check = () => {
    const problem = keychainProblem();
    if (problem) throw new StorageError(problem);
  };
  return {
    kind: 'os-keychain',
    check,
    seal(plain) {
      check();
      return safeStorage.encryptString(plain);
    },
    open(sealed) {
      check();
      return safeStorage.decryptString(Buffer.from(sealed));
    },
  };
}
