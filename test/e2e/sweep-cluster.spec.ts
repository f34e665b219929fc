import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '../integration/queue/redis.ts';
import { startWorker, stopWorkers } from '../integration/queue/workers.ts';
import { expect, openStudio, snap, startServer, test } from './fixtures.ts';

test('a sweep from the studio runs on a cluster of queue workers and ranks the same runs as this machine', async ({ page }) => {
  test.setTimeout(240_000);
  const redis = await startRedis();
  const worker = startWorker(redis.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-'));
  const { server, child } = await startServer(dataDir, { KESTREL_SWEEP_CLUSTERS: JSON.stringify([{ id: 'lab', name: 'Lab cluster', url: redis.url, password: null }]) });
  try {
    await worker.ready;
    const studio = await openStudio(page, server);
    await studio.getByRole('combobox', { name: 'Backtest timeframe' }).selectOption('15m');
    await studio.getByRole('tab', { name: 'Sweep' }).click();
    await studio.getByRole('textbox', { name: 'Sweep fast' }).fill('5, 10, 15');
    await studio.getByRole('textbox', { name: 'Sweep slow' }).fill('30, 60');
    const target = studio.getByRole('combobox', { name: 'Sweep runs on' });
    // The cluster says what is there before a trader sends work to it.
    await expect(target.locator('option')).toHaveText(['This machine', 'Lab cluster — 1 worker, 1 thread']);
    await target.selectOption('lab');
    await studio.getByRole('button', { name: 'Run sweep' }).click();
    await expect(studio.getByTestId('run-status')).toContainText('sweep ok', { timeout: 120_000 });
    await expect(studio.getByTestId('run-status')).toContainText('6 / 6');
    const ranked = studio.getByTestId('sweep-runs').locator('.dt-row');
    await expect(ranked).toHaveCount(6);
    const onCluster = await ranked.allTextContents();
    await snap(page, 'studio-sweep-cluster');
    expect(worker.output()).toMatch(/ran \d+ parameter sets of sweep/);

    await target.selectOption('');
    await studio.getByRole('button', { name: 'Run sweep' }).click();
    await expect(studio.getByTestId('run-status')).toContainText('sweep ok', { timeout: 120_000 });
    await expect(ranked).toHaveCount(6);
    expect(await ranked.allTextContents()).toEqual(onCluster);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await stopWorkers([worker]);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
