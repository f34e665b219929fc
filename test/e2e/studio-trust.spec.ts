import { expect, openStudio, snap, test } from './fixtures.ts';

/**
 * Issue 24 #11, the studio: empty From/To made a window that moved with the clock (re-runs differed); results were
 * not marked stale after an edit; the form hid stop-loss, time exit and cooldown; the fee was a fraction here and
 * a percentage in Settings.
 */
test('studio: a fixed window shown to the trader, stale results marked, exits in the form, fee in percent', async ({ page, kestrel }) => {
  test.setTimeout(150_000);
  const studio = await openStudio(page, kestrel);
  await expect(studio.getByText('Fee rate (%)')).toBeVisible();
  await expect(studio.getByRole('textbox', { name: 'Fee rate' })).toHaveValue('0.1');
  for (const f of ['Stop loss (%)', 'Take profit (%)', 'Time exit (bars)', 'Cooldown (bars)']) await expect(studio.getByRole('textbox', { name: f })).toBeVisible();
  await studio.getByRole('textbox', { name: 'Stop loss (%)' }).fill('2');
  await studio.getByRole('textbox', { name: 'Time exit (bars)' }).fill('48');
  await studio.getByRole('textbox', { name: 'Cooldown (bars)' }).fill('3');
  await expect(studio.getByTestId('validation')).toContainText('Valid');

  await expect(studio.getByLabel('Backtest from')).toHaveValue('');
  await studio.getByRole('button', { name: 'Run backtest' }).click();
  await expect(studio.getByTestId('run-status')).toContainText('backtest ok', { timeout: 90_000 });
  // The empty dates became fixed ones, in the form and said in words.
  await expect(studio.getByLabel('Backtest from')).toHaveValue(/^\d{4}-\d\d-\d\d$/);
  await expect(studio.getByLabel('Backtest to')).toHaveValue(new Date().toISOString().slice(0, 10));
  await expect(studio.getByTestId('run-window-note')).toContainText('fixed so a re-run reads the same bars');
  const results = studio.getByTestId('backtest-results');
  const hash = await results.locator('code').first().textContent();
  const net = await studio.getByTestId('stat-net').textContent();
  await expect(studio.getByTestId('results-stale')).toHaveCount(0);

  // An edit makes the shown results stale; running again clears it and, same window, gives the same run.
  await studio.getByRole('textbox', { name: 'Cooldown (bars)' }).fill('4');
  await expect(studio.getByTestId('results-stale')).toBeVisible();
  await snap(page, 'studio-results-stale');
  await studio.getByRole('textbox', { name: 'Cooldown (bars)' }).fill('3');
  await expect(studio.getByTestId('results-stale')).toHaveCount(0);
  await studio.getByRole('button', { name: 'Run backtest' }).click();
  await expect(studio.getByTestId('run-status')).toContainText('backtest ok', { timeout: 90_000 });
  await expect(results.locator('code').first()).toHaveText(hash!);
  await expect(studio.getByTestId('stat-net')).toHaveText(net!);
});
