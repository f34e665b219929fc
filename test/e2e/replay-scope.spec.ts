import { expect, openTrading, test } from './fixtures.ts';

/**
 * While the Trade workspace shows a market replay, Settings' paper account and the Studio's "Run in paper" do
 * not act on the selected account behind it out of sight: like the ticket and the Risk panel they name the
 * account they act on, and for a replay they say why they cannot (a replay trades with the paper defaults;
 * strategies run in a paper account's session).
 */
test('paper settings and run in paper name the account, and are refused with a reason while a replay is shown', async ({ page, kestrel }) => {
  test.setTimeout(180_000);
  await openTrading(page, kestrel);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByTestId('paper-settings-account')).toHaveText('Demo');
  await expect(page.getByRole('textbox', { name: 'Starting balance' })).toBeVisible();

  await page.getByRole('button', { name: 'Trade', exact: true }).click();
  await page.getByTestId('replay-open').click();
  const setup = page.getByRole('dialog', { name: 'Start a market replay' });
  const data = setup.getByRole('combobox', { name: 'Replay data' });
  await expect(data.locator('option[value="demo|1m"]')).toHaveCount(1, { timeout: 60_000 });
  await data.selectOption('demo|1m');
  await setup.getByRole('button', { name: 'Start replay' }).click();
  await expect(page.getByTestId('account-switcher')).toHaveValue(/^replay:/);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByTestId('paper-settings-replay')).toContainText('cannot be changed');
  await expect(page.getByTestId('paper-settings-account')).not.toHaveText('Demo');
  await expect(page.getByRole('textbox', { name: 'Starting balance' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Studio', exact: true }).click();
  const studio = page.getByTestId('panel-studio');
  await studio.getByRole('navigation', { name: 'Strategies' }).getByRole('button', { name: /SMA crossover/ }).click();
  await studio.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(studio.getByRole('navigation', { name: 'Strategies' }).getByRole('button', { name: /SMA crossover.*v1/ })).toBeVisible();
  const paper = studio.getByLabel('Paper trading');
  await expect(paper.getByTestId('paper-run-replay')).toContainText('Leave the replay');
  await expect(paper.getByRole('button', { name: 'Run in paper' })).toBeDisabled();
});
