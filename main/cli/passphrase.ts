import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentVault, NO_PASSPHRASE, passphraseVault, type KeyVault } from '../host/audit/key-vault.ts';
import { KEY_FILE, LEGACY_KEY_FILE } from '../host/audit/keys.ts';
import { UsageError } from './command.ts';

/**
 * The headless vault for a CLI command: from KESTREL_KEY_PASSPHRASE_FILE / KESTREL_KEY_PASSPHRASE when set
 * (scripts, CI, tests), else asked on the terminal (twice when the key is about to be created), else
 * refused with the ways to give it.
 */
export async function cliVault(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<KeyVault> {
  if (env.KESTREL_KEY_PASSPHRASE_FILE || env.KESTREL_KEY_PASSPHRASE) return environmentVault(env);
  if (!process.stdin.isTTY) throw new UsageError(NO_PASSPHRASE);
  const creating = !existsSync(join(dataDir, KEY_FILE)) && !existsSync(join(dataDir, LEGACY_KEY_FILE));
  const phrase = await readHidden(creating ? 'New passphrase for the audit signing key (at least 8 characters): ' : 'Passphrase of the audit signing key: ');
  if (creating && (await readHidden('Repeat it: ')) !== phrase) throw new UsageError('the two passphrases differ');
  return passphraseVault(() => phrase, env.KESTREL_KEY_SCRYPT_LOG_N ? { logN: Number(env.KESTREL_KEY_SCRYPT_LOG_N) } : {});
}

/** Reads a line from the terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let s = '';
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return (done(), resolve(s));
        if (ch === '\u0003' || ch === '\u0004') return (done(), reject(new UsageError('cancelled')));
        if (ch === '\u007f' || ch === '\b') s = s.slice(0, -1);
        else if (ch >= ' ') s += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** A secret given by file ('-' = standard input), never on the command line where `ps` shows it. */
export async function readSecretFile(file: string): Promise<string> {
  if (file !== '-') return readFileSync(file, 'utf8').trim();
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}
