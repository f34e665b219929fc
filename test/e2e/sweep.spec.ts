import { expect, openStudio, snap, test } from './fixtures.ts';

test('a parameter sweep runs on the worker pool with progress, shows every combination, and a picked run backtests in full', async ({ page, kestrel }) => {
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
  // The ranked list holds the same six runs, best first by the objective.
  const runs = studio.getByTestId('sweep-runs');
  const ranked = runs.locator('.dt-row');
  await expect(ranked).toHaveCount(6);
  const best = ranked.first();
  await expect(best).toContainText(/^1fast (5|10|15), slow (30|60)/);
  const [, fast, slow] = /fast (5|10|15), slow (30|60)/.exec((await best.textContent()) ?? '')!;
  await snap(page, 'studio-sweep');
  // Picking it loads its parameters into the strategy and goes back to the backtest, which runs them.
  await best.click();
  await expect(studio.getByRole('tab', { name: 'Backtest' })).toHaveAttribute('aria-selected', 'true');
  await expect(studio.getByRole('textbox', { name: 'Parameter fast' })).toHaveValue(fast!);
  await expect(studio.getByRole('textbox', { name: 'Parameter slow' })).toHaveValue(slow!);
  await studio.getByRole('button', { name: 'Run backtest' }).click();
  await expect(studio.getByTestId('run-status')).toContainText('backtest ok', { timeout: 60_000 });
  await expect(studio.getByTestId('stat-trades')).toContainText(/\d/);
  // A heatmap cell does the same for its run.
  await studio.getByRole('tab', { name: 'Sweep' }).click();
  await studio.getByRole('button', { name: /^Use fast 5, slow 30 / }).click();
  await expect(studio.getByRole('textbox', { name: 'Parameter fast' })).toHaveValue('5');
  await expect(studio.getByRole('textbox', { name: 'Parameter slow' })).toHaveValue('30');
});
