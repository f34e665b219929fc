import { expect, openStudio, snap, test } from './fixtures.ts';

test('studio: run a saved strategy in the paper session, see it running, stop it', async ({ page, kestrel }) => {
  const studio = await openStudio(page, kestrel);
  const paper = studio.getByLabel('Paper trading');
  // An unsaved template cannot run in paper: runs cite a saved version.
  await expect(paper.getByRole('button', { name: 'Run in paper' })).toBeDisabled();
  await studio.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(studio.getByRole('navigation', { name: 'Strategies' }).getByRole('button', { name: /SMA crossover.*v1/ })).toBeVisible();

  // Issue 24 #11: paper starts on the timeframe that was backtested (1h here), not 1m.
  await expect(paper.getByRole('combobox', { name: 'Paper timeframe' })).toHaveValue(await studio.getByRole('combobox', { name: 'Backtest timeframe' }).inputValue());
  await expect(paper.getByRole('combobox', { name: 'Paper timeframe' })).toHaveValue('1h');
  await paper.getByRole('combobox', { name: 'Paper symbol' }).selectOption('ETH/USDT');
  await paper.getByRole('combobox', { name: 'Paper timeframe' }).selectOption('5m');
  await paper.getByRole('button', { name: 'Run in paper' }).click();
  const row = paper.getByTestId('paper-run').first();
  await expect(row).toContainText('SMA crossover');
  await expect(row).toContainText('ETH/USDT · 5m');
  await expect(row).toContainText('v1');
  await expect(row).toContainText('running');
  await snap(page, 'studio-paper-running');

  // Stop from the studio toolbar (the open strategy's runs): the row stays, marked stopped.
  await paper.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(row).toContainText('stopped');
  await expect(paper.getByRole('button', { name: 'Stop', exact: true })).toBeHidden();
  await expect(row.getByRole('button', { name: /Stop SMA crossover/ })).toBeHidden();
  await snap(page, 'studio-paper-stopped');
});
