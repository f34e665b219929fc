import { expect, snap, test } from './fixtures.ts';

const T0 = Date.UTC(2024, 0, 1);
/** A seeded random walk of opens, so close-to-close moves look like a market's (no periodic jumps). */
const opens: number[] = [];
for (let i = 0, p = 100, s = 7; i < 400; i++) {
  s = (s * 1103515245 + 12345) % 2 ** 31;
  p = Math.round((p + (s / 2 ** 31 - 0.5) * 0.4) * 100) / 100;
  opens.push(p);
}
const row = (i: number, o = opens[i]!) => `${T0 + i * 60_000},${o},${(o + 0.2).toFixed(2)},${(o - 0.2).toFixed(2)},${(o + 0.05).toFixed(2)},10`;

/**
 * Issue 24 #12, the data manager: a user's CSV was badged MARKET; an 80 % wick was not flagged; validation
 * reported one bad line per attempt; a failed backfill showed "0/s · ETA 0 ms" and hid its reason in a toast;
 * error toasts named internals.
 */
test('data manager: every bad CSV line at once, an import badged as such, a wick flagged, a failed backfill says why', async ({ page, kestrel }) => {
  test.setTimeout(150_000);
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('button', { name: 'Data', exact: true }).click();
  const panel = page.getByTestId('panel-data');

  // Three bad lines: all three named in one attempt, nothing stored.
  const bad = ['timestamp,open,high,low,close,volume', ...Array.from({ length: 30 }, (_, i) => row(i))];
  bad[5] = `${T0 + 4 * 60_000},100,abc,99.8,100,10`;
  bad[12] = `${T0 + 11 * 60_000},100,100.2`;
  bad[20] = `${T0 + 19 * 60_000},100,99,101,100,10`;
  await panel.getByLabel('CSV file').setInputFiles({ name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(bad.join('\n')) });
  await panel.getByRole('textbox', { name: 'Import symbol' }).fill('MINE/USD');
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  const refusal = panel.getByTestId('import-refusal');
  await expect(refusal).toContainText('3 bad lines');
  for (const l of ['line 6', 'line 13', 'line 21']) await expect(refusal).toContainText(l);
  // The toast speaks of the action, not of channels or codes.
  const toast = page.locator('.notice-error').last();
  await expect(toast).toContainText('The import did not complete');
  await expect(toast).not.toContainText(/market\.import|\(validation\)/);
  await snap(page, 'data-import-refused');

  // A good file with one bar whose high is 80 % above its body: imported, badged as the user's, wick flagged.
  const good = ['timestamp,open,high,low,close,volume', ...Array.from({ length: 300 }, (_, i) => row(i))];
  const o = opens[150]!;
  good[151] = `${T0 + 150 * 60_000},${o},${(o * 1.8).toFixed(2)},${(o - 0.2).toFixed(2)},${(o + 0.05).toFixed(2)},10`;
  await panel.getByLabel('CSV file').setInputFiles({ name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(good.join('\n')) });
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(refusal).toHaveCount(0);
  const datasets = page.getByRole('table', { name: 'Datasets' });
  const mine = datasets.getByRole('row').filter({ hasText: 'MINE/USD' });
  await expect(mine).toContainText('IMPORTED');
  await expect(mine).not.toContainText('MARKET');
  await mine.click();
  const quality = page.getByTestId('quality');
  await expect(quality).toContainText('ISSUES');
  await expect(page.getByTestId('quality-outliers')).toContainText('wick far past its bar');
  await snap(page, 'data-import-quality');

  // A backfill that cannot reach its exchange: the progress line gives the reason, no rate or ETA.
  await panel.getByRole('textbox', { name: 'Endpoint' }).fill('http://127.0.0.1:9');
  await panel.getByRole('button', { name: 'Start backfill' }).click();
  const progress = panel.getByTestId('backfill-progress');
  await expect(progress).toContainText('failed', { timeout: 90_000 });
  await expect(progress).toContainText('BTC/USDT: ');
  await expect(progress).not.toContainText('ETA');
  await snap(page, 'data-backfill-failed');
});
