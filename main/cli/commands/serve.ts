import { parseArgs } from 'node:util';
import { createHost } from '../../host/host.ts';
import { startHeadless } from '../../host/headless/server.ts';
import { defaultDataDir, rendererDistDir } from '../../host/paths.ts';
import { installProcessGuards } from '../../host/process-guards.ts';
import { ensureRendererBuilt } from '../build.ts';
import type { CliCommand } from '../command.ts';

export async function serveHeadless(argv: string[], reason?: string): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.KESTREL_PORT ?? '0' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  await ensureRendererBuilt();
  const host = await createHost({ mode: 'headless', dataDir: values['data-dir'] ?? defaultDataDir() });
  installProcessGuards(host.ctx.log);
  const server = await startHeadless({ host, staticDir: rendererDistDir(), port, ...(values.token ? { token: values.token } : {}) });
  if (reason) console.log(reason);
  console.log(`Kestrel ${host.ctx.version} headless — data in ${host.ctx.dataDir} (log: logs/kestrel.log there)`);
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
  usage: 'kestrel serve [--port N] [--data-dir DIR]',
  run: (argv) => serveHeadless(argv),
};
