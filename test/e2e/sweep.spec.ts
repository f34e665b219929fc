import { expect, openStudio, snap, test } from './fixtures.ts';

test('a parameter sweep runs on the worker pool with progress and shows every combination in the heatmap', async ({ page, kestrel }) => {
  test.setTimeout(120_000);
  const studio = await openStudio(page, kestrel);
  await studio.getByRole('combobox', { name: 'Backtest timeframe' }).selectOption('15m');
  await studio.getByRole('tab', { name: 'Sweep' }).click();
  await studio.getByRole('textbox', { name: 'Sweep fast' }).fill('5, 10, 15');
  await studio.getByRole('textbox', { name: 'Sweep slow' }).fill('30, 60');
  await studio.getByRole('button', { name: 'Run sweep' }).click();
  // Progress counts finished backtests: all six, each reported once.
  await expect(studio.getByTestId('run-status')).toContainText('sweep ok', { timeout: 60_000 });
  await expect(studio.getByTestId('run-status')).toContainText('6 / 6');
  const heatmap = studio.getByTestId('sweep-heatmap');
  await expect(heatmap).toContainText('6 runs');
  await expect(heatmap.locator('thead th')).toHaveText([/slow.*fast/, '5', '10', '15']);
  await expect(heatmap.locator('tbody th')).toHaveText(['30', '60']);
  // Every cell holds its run's objective value (a number, not the "—" of a missing row).
  const cells = heatmap.locator('tbody td');
  await expect(cells).toHaveCount(6);
  for (const c of await cells.all()) await expect(c).toHaveText(/^-?[\d,.]+/);
  await snap(page, 'studio-sweep');
});
