/**
 * The secret store's own rules: a vault that refuses (the Linux `basic_text` keychain) stores nothing; a
 * damaged or foreign file is refused and left as it is; a store sealed by another kind of vault is not
 * opened with this one; concurrent writes all land; the file is owner-only and holds no value in clear.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../../main/core/errors.ts';
import { passphraseVault, type KeyVault } from '../../../main/host/audit/key-vault.ts';
import { SecretStore } from '../../../main/host/secrets/store.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'kestrel-secrets-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const vault = () => passphraseVault(() => 'correct horse battery', { logN: 14 });
const meta = { kind: 'password' as const, createdAt: 1, warnings: [] };

describe('secret store', () => {
  it('a vault that refuses (basic_text keychain) stores nothing and says why', async () => {
    const dir = tmp();
    const refusing: KeyVault = {
      kind: 'os-keychain',
      check: () => {
        throw new StorageError('The OS keychain backend is "basic_text": install and unlock a Secret Service.');
      },
      seal: () => new Uint8Array(),
      open: () => '',
    };
    const s = new SecretStore(dir, refusing);
    await expect(s.set('k', 'value', meta)).rejects.toThrow(/basic_text/);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
  });

  it('values are sealed, the file is 0600, concurrent writes all land, delete removes one', async () => {
    const dir = tmp();
    const s = new SecretStore(dir, vault());
    await Promise.all([s.set('a', 'alpha-secret-value', meta), s.set('b', 'bravo-secret-value', meta), s.set('c', 'charlie-secret-value', meta)]);
    const file = join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/alpha-secret|bravo-secret|charlie-secret/);
    const reopened = new SecretStore(dir, vault());
    expect(reopened.list().map((e) => e.ref).sort()).toEqual(['a', 'b', 'c']);
    expect(reopened.unlocked).toBe(false);
    expect(await reopened.reveal('b')).toBe('bravo-secret-value');
    expect(reopened.peek('c')).toBe('charlie-secret-value');
    expect(await reopened.delete('a')).toBe(true);
    expect(await reopened.delete('a')).toBe(false);
    await expect(new SecretStore(dir, vault()).reveal('a')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a damaged or foreign file is refused and left byte for byte; another vault kind is not used to open it', async () => {
    const dir = tmp();
    const file = join(dir, 'secrets.json');
    writeFileSync(file, '{"format":"something-else"}');
    const s = new SecretStore(dir, vault());
    expect(() => s.list()).toThrow(/not in a format this version reads/);
    await expect(s.set('x', 'y', meta)).rejects.toThrow(/not in a format/);
    expect(readFileSync(file, 'utf8')).toBe('{"format":"something-else"}');
    writeFileSync(file, '{not json');
    expect(() => s.list()).toThrow(/cannot be read/);

    const dir2 = tmp();
    await new SecretStore(dir2, vault()).set('k', 'v-value', meta);
    const other: KeyVault = { ...vault(), kind: 'os-keychain' };
    await expect(new SecretStore(dir2, other).reveal('k')).rejects.toThrow(/sealed with the passphrase vault/);
  });

  it('refs and metadata are validated before anything is written', async () => {
    const s = new SecretStore(tmp(), vault());
    await expect(s.set('Bad Ref', 'v', meta)).rejects.toThrow();
    await expect(s.set('ok', 'v', { ...meta, keyId: 'not-hex' })).rejects.toThrow();
    expect(s.list()).toEqual([]);
  });
});
