import { createHost } from '../../host/host.ts';
import { startHeadless } from '../../host/headless/server.ts';
import { defaultDataDir, rendererDistDir } from '../../host/paths.ts';
import { installProcessGuards } from '../../host/process-guards.ts';
import { ensureRendererBuilt } from '../build.ts';
import { loadOrCreateSigningKey } from '../../host/audit/keys.ts';
import { privateUmask, tightenDataDir } from '../../host/private-files.ts';
import { parseOptions, UsageError, type CliCommand, type OptionSpecs } from '../command.ts';
import { cliVault, readSecretFile } from '../passphrase.ts';

export const SERVE_OPTIONS: OptionSpecs = {
  port: { type: 'string', default: process.env.KESTREL_PORT ?? '0', value: 'N', help: 'port on 127.0.0.1 (0: any free port; env KESTREL_PORT)' },
  'data-dir': { type: 'string', value: 'DIR', help: 'the data directory', defaultHelp: 'the app data directory (env KESTREL_DATA_DIR)' },
  'token-file': { type: 'string', value: 'FILE|-', help: 'read the launch token the URL carries from this file (- for stdin), never from the command line', defaultHelp: 'a random one per launch' },
};

export async function serveHeadless(argv: string[], reason?: string): Promise<number> {
  const values = parseOptions(argv, SERVE_OPTIONS).values as { port: string; 'data-dir'?: string; 'token-file'?: string };
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const token = values['token-file'] ? await readSecretFile(values['token-file']) : undefined;
  if (token !== undefined && token.length < 16) throw new UsageError('the launch token must have at least 16 characters');
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // Unlock (or create) the audit signing key now: a wrong passphrase is said at start, not at shutdown.
  const keyVault = await cliVault(dataDir);
  privateUmask();
  tightenDataDir(dataDir);
  const key = loadOrCreateSigningKey(dataDir, keyVault);
  await ensureRendererBuilt();
  const host = await createHost({ mode: 'headless', dataDir, keyVault });
  installProcessGuards(host.ctx.log);
  const server = await startHeadless({ host, staticDir: rendererDistDir(), port, ...(token ? { token } : {}) });
  if (reason) console.log(reason);
  console.log(`Kestrel ${host.ctx.version} headless — data in ${host.ctx.dataDir} (log: logs/kestrel.log there)`);
  console.log(`Audit signing key ${key.keyId} (pin it: kestrel verify BUNDLE --key ${key.publicKey})`);
  const engine = host.ctx.engineStatus();
  if (engine.state !== 'ready') console.error(`WARNING: ${engine.detail ?? engine.state}`);
  console.log(`Open ${server.url}`);
  const stop = async () => {
    await server.close();
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await new Promise(() => {});
  return 0;
}

export const serve: CliCommand = {
  name: 'serve',
  summary: 'Start the workstation in headless mode: renderer and contract on 127.0.0.1, prints the URL.',
  usage: 'kestrel serve [--port N] [--data-dir DIR] [--token-file FILE|-]  (audit key passphrase: asked on a terminal, or KESTREL_KEY_PASSPHRASE_FILE)',
  options: SERVE_OPTIONS,
  run: (argv) => serveHeadless(argv),
};
