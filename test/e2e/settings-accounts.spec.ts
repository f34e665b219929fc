import { expect, snap, test } from './fixtures.ts';

/**
 * Issue 16: accounts are edited in the Settings panel — created (venue from the registry, environment,
 * market type, currency, risk profile, credentials reference), renamed, removed with a confirmation — and
 * the top bar's switcher follows; a new paper account trades at once.
 */
test('create, rename, trade on and remove an account from the Settings panel; the switcher follows', async ({ page, kestrel }) => {
  test.setTimeout(180_000);
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  const switcher = page.getByTestId('account-switcher');
  await expect(switcher).toHaveValue('demo');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();

  const form = page.getByRole('form', { name: 'New account' });
  await form.getByRole('textbox', { name: 'Account name' }).fill('Swing Desk');
  await form.getByRole('combobox', { name: 'Account venue' }).selectOption('kestrel-sim');
  await form.getByRole('combobox', { name: 'Account environment' }).selectOption('paper');
  await form.getByRole('combobox', { name: 'Account market type' }).selectOption('spot');
  await form.getByRole('textbox', { name: 'Account currency' }).fill('USDT');
  await form.getByRole('combobox', { name: 'Account risk profile' }).selectOption('default');
  await form.getByRole('button', { name: 'Create account' }).click();
  const accounts = page.getByRole('table', { name: 'Accounts' });
  const row = accounts.getByRole('row', { name: /Swing Desk/ });
  await expect(row).toContainText('Kestrel Sim');
  await expect(row).toContainText('paper');
  // Every action button inside the card that holds the table: nothing to scroll to, nothing past its edge.
  const card = (await accounts.locator('xpath=..').boundingBox())!;
  for (const b of await row.getByRole('button').all()) {
    const box = (await b.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width + 0.5);
  }
  await expect(switcher.locator('option', { hasText: 'Swing Desk' })).toHaveCount(1);
  // A live account without credentials is refused with the reason, and nothing is added.
  await form.getByRole('textbox', { name: 'Account name' }).fill('No Keys');
  await form.getByRole('combobox', { name: 'Account environment' }).selectOption('live');
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(/needs credentials/).first()).toBeVisible();
  await expect(accounts.getByRole('row', { name: /No Keys/ })).toHaveCount(0);
  await snap(page, 'settings-accounts-created');

  // A sim account's policy for a stop lost or refused at the venue: re-place (the default) or flag only; saved.
  await form.getByRole('textbox', { name: 'Account name' }).fill('Sim Desk');
  await form.getByRole('combobox', { name: 'Account environment' }).selectOption('sim');
  await form.getByRole('button', { name: 'Create account' }).click();
  const simRow = accounts.getByRole('row', { name: /Sim Desk/ });
  const policy = simRow.getByRole('combobox', { name: 'On a lost stop (Sim Desk)' });
  await expect(policy).toHaveValue('replace');
  await expect(row.getByRole('combobox', { name: /On a lost stop/ })).toHaveCount(0); // paper: nothing at a venue to lose
  await policy.selectOption('flag');
  await expect(page.getByText(/a lost or refused stop is only flagged/).first()).toBeVisible();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Accounts' }).getByRole('combobox', { name: 'On a lost stop (Sim Desk)' })).toHaveValue('flag');
  for (const b of await accounts.getByRole('row', { name: /Sim Desk/ }).getByRole('button').all()) {
    const box = (await b.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width + 0.5);
  }
  await snap(page, 'settings-accounts-protection');

  // Rename: the table and the switcher show the new name.
  await row.getByRole('button', { name: 'Rename Swing Desk' }).click();
  await accounts.getByRole('textbox', { name: 'New name for Swing Desk' }).fill('Swing Desk 2');
  await accounts.getByRole('button', { name: 'Save' }).click();
  const renamed = accounts.getByRole('row', { name: /Swing Desk 2/ });
  await expect(renamed).toBeVisible();
  await expect(switcher.locator('option', { hasText: 'Swing Desk 2' })).toHaveCount(1);

  // The switcher picks it; a market buy on it fills on Kestrel Sim's book, in its own blotter.
  await switcher.selectOption('swing-desk');
  await expect(switcher).toBeEnabled();
  await page.getByRole('button', { name: 'Trade', exact: true }).click();
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  await ticket.getByRole('radio', { name: 'Market' }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  const blotter = page.getByRole('region', { name: 'Blotter' });
  await blotter.getByRole('tab', { name: /Fills/ }).click();
  await expect(blotter.getByRole('table', { name: 'Fills' }).getByRole('row')).toHaveCount(2, { timeout: 60_000 });

  // The selected account cannot be removed; back on Demo, removing asks first, then it is gone everywhere.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(renamed.getByRole('button', { name: 'Remove Swing Desk 2' })).toBeDisabled();
  await switcher.selectOption('demo');
  await expect(switcher).toBeEnabled();
  await renamed.getByRole('button', { name: 'Remove Swing Desk 2' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove Swing Desk 2?' });
  await expect(dialog).toContainText('stay in the ledger');
  await snap(page, 'settings-accounts-remove');
  await dialog.getByRole('button', { name: 'Remove account' }).click();
  await expect(accounts.getByRole('row', { name: /Swing Desk/ })).toHaveCount(0);
  await expect(switcher.locator('option', { hasText: 'Swing Desk' })).toHaveCount(0);
});
