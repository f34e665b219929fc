/**
 * Certifying a million candles (validation, gaps, outliers, content hash) costs about half as much as running
 * a simple strategy over them, and the result needs the certificate only when it is assembled. So a
 * second thread certifies while this one simulates: started before the data is read (its modules load
 * meanwhile), given the candles once they are (shared, not copied, when they sit in SharedArrayBuffers),
 * and read back synchronously at assembly (late-certificates.ts). A certifier that failed or died is not
 * fatal: the run certifies on its own, and the result is the same either way.
 */
import { getCompileCacheDir } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { DatasetCertificate } from '../../main/core/backtest/result.ts';
import type { Dataset } from './backtester.ts';
import { abandonHandoff, handoffPair, receiveCertificates } from './late-certificates.ts';

const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export interface Certifier {
  /** The run's config and candles; once. */
  give(config: unknown, datasets: readonly Dataset[]): void;
  /** For BacktestJob.lateCertificates: waits for the certificates, undefined when there are none to wait for. */
  receive(): readonly DatasetCertificate[] | undefined;
  /** Lets the thread finish (never terminated while it may still load modules) and waits until it has. */
  close(): Promise<void>;
}

/** The thread shares this thread's compile cache directory (and keeps stripped TypeScript there; ts-cache.ts). */
export function startCertifier(): Certifier {
  const cacheDir = getCompileCacheDir?.();
  const { receiver, sender } = handoffPair();
  const worker = new Worker(new URL(`./certifier-thread${EXT}`, import.meta.url), { workerData: { sender, cacheDir }, transferList: [sender.port] });
  let given = false;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    const gone = (): void => {
      exited = true;
      // A thread that died before sending: the run stops waiting at once and certifies on its own.
      abandonHandoff(receiver);
      resolve();
    };
    worker.once('exit', gone);
    worker.once('error', gone);
  });
  // The thread must not keep the process alive on its own (close() waits for it when it matters).
  worker.unref();
  return {
    give(config, datasets) {
      if (given || exited) return;
      given = true;
      worker.postMessage({ config, datasets });
    },
    receive() {
      return given ? receiveCertificates(receiver) : undefined;
    },
    async close() {
      if (!given) worker.postMessage('stop');
      worker.ref();
      await exit;
    },
  };
}
