import type { EngineStatus } from '../contract/index.ts';
import type { HostContext, HostMode } from './context.ts';
import { startMarketData, stopMarketData } from './data/for-host.ts';
import { createHandlers } from './handlers/index.ts';
import { IpcServer } from './ipc/server.ts';
import { createFileLogger, createLogger, type Logger } from './log.ts';
import { startTrading, stopTrading } from './trading/for-host.ts';
import { checkAuditAnchors, stopAudit } from './audit/for-host.ts';
import type { KeyVault } from './audit/key-vault.ts';
import { tightenDataDir } from './private-files.ts';
import { APP_VERSION } from './version.ts';
import { closeWorkers } from './workers.ts';

export interface HostOptions {
  mode: HostMode;
  dataDir: string;
  log?: Logger;
  keyVault?: KeyVault;
}

export interface Host {
  readonly ctx: HostContext;
  readonly server: IpcServer;
  close(): Promise<void>;
}

/**
 * The composition root shared by the Electron main process, headless mode and tests: the same host,
 * whatever carries its contract.
 */
export async function createHost(opts: HostOptions): Promise<Host> {
  tightenDataDir(opts.dataDir);
  const log = opts.log ?? (opts.mode === 'memory' ? createLogger() : createFileLogger(opts.dataDir));
  let status: EngineStatus = { state: 'starting' };
  const ctx: HostContext = {
    mode: opts.mode,
    dataDir: opts.dataDir,
    version: APP_VERSION,
    startedAt: Date.now(),
    log,
    ...(opts.keyVault ? { keyVault: opts.keyVault } : {}),
    // `server` is created right below from handlers that need this context; nothing emits before that.
    emit: (ch, p) => server.emit(ch, p),
    engineStatus: () => status,
    setEngineStatus: (s) => {
      status = s;
      server.emit('engine.status', s);
    },
  };
  const server: IpcServer = new IpcServer(createHandlers(ctx), log);
  ctx.setEngineStatus({ state: 'ready' });
  startMarketData(ctx);
  startTrading(ctx);
  checkAuditAnchors(ctx);
  return {
    ctx,
    server,
    async close() {
      ctx.setEngineStatus({ state: 'stopped' });
      stopAudit(ctx);
      stopTrading(ctx);
      await stopMarketData(ctx);
      await closeWorkers(ctx);
    },
  };
}
