/**
 * The thread certifier.ts starts: it loads the backtester while the caller reads its data, then certifies the
 * candles it is given exactly as the run would (same PreparedRun, same hasher) and hands the certificates
 * over (late-certificates.ts). Whatever goes wrong here, the caller is told, and certifies on its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cacheThreadModules } from '../ts-cache.ts';
import { sendCertificates, type CertificateHandoff } from './late-certificates.ts';
import type { Dataset } from './backtester.ts';

const { sender, cacheDir } = workerData as { sender: CertificateHandoff; cacheDir?: string };
cacheThreadModules(cacheDir, import.meta.url.endsWith('.ts'));
const loaded = import('./backtester.ts');
loaded.catch(() => {});

parentPort!.once('message', (job: { config: unknown; datasets: readonly Dataset[] } | 'stop') => {
  const done = (): void => parentPort!.close();
  if (job === 'stop') return void loaded.then(done, done);
  loaded.then(
    ({ PreparedRun }) => sendCertificates(sender, () => new PreparedRun(job.config, job.datasets).certificates),
    () => sendCertificates(sender, () => {
      throw new Error('the backtester did not load');
    }),
  ).finally(done);
});
