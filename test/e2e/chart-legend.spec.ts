import { expect, test } from './fixtures.ts';

/** Issue 24 #10: no OHLC/indicator legend on the crosshair; indicators lost on reload; MACD hist as a line. */
test('the crosshair legend shows OHLC and indicator values; indicators survive a reload', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  const chart = page.getByTestId('chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars')), { timeout: 60_000 }).toBeGreaterThan(100);
  await page.getByRole('combobox', { name: 'Indicator' }).fill('rsi:14');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('indicator-rsi:14')).toBeVisible();
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.3);
  const legend = page.getByTestId('chart-legend');
  await expect(legend).toContainText(/O [\d,]+\.\d{2} H [\d,]+\.\d{2} L [\d,]+\.\d{2} C [\d,]+\.\d{2}/);
  await expect(legend).toContainText(/rsi:14 \d+\.\d{2}/);
  await page.mouse.move(box.x - 20, box.y - 20);
  await expect(legend).toBeHidden();

  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await expect(page.getByTestId('indicator-rsi:14')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Remove rsi:14' }).click();
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await expect.poll(async () => Number(await page.getByTestId('chart').getAttribute('data-bars')), { timeout: 60_000 }).toBeGreaterThan(100);
  await expect(page.getByTestId('indicator-rsi:14')).toHaveCount(0);
});
