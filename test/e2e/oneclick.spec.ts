import { expect, openTrading, snap, test } from './fixtures.ts';

/** Issue 24, Deliver: one-click trading, an explicit per-account opt-in with its own confirmation setting. */
test('one-click trading: off by default, turned on through a confirmation, each order confirmed unless the trader opts out', async ({ page, kestrel }) => {
  const { ticket } = await openTrading(page, kestrel);
  const blotter = page.getByRole('region', { name: 'Blotter' });
  const fillRows = blotter.getByRole('table', { name: 'Fills' }).getByRole('row');
  await blotter.getByRole('tab', { name: /Fills/ }).click();

  // Off: the hotkey sends nothing and says why.
  await expect(ticket).toContainText('One-click trading is off');
  await page.locator('body').click({ position: { x: 5, y: 880 } });
  await page.keyboard.press('Shift+B');
  await expect(ticket.getByTestId('oneclick-problem')).toHaveText('One-click trading is off for this account');

  await ticket.getByRole('button', { name: 'Turn on…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Turn on one-click trading?' });
  await expect(dialog).toContainText('Demo');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Turn on' }).click();
  const bar = ticket.getByTestId('oneclick');
  await expect(bar.getByRole('checkbox', { name: 'Confirm each order' })).toBeChecked();

  // A bad quantity is named, nothing is sent.
  await bar.getByRole('textbox', { name: 'One-click quantity' }).fill('0,5');
  await bar.getByRole('button', { name: 'One-click buy' }).click();
  await expect(ticket.getByTestId('oneclick-problem')).toHaveText('Use a dot for decimals: 0.5');

  // With confirmation: the click asks, Send sends.
  await bar.getByRole('textbox', { name: 'One-click quantity' }).fill('0.001');
  await bar.getByRole('button', { name: 'One-click buy' }).click();
  const ask = bar.getByRole('alertdialog', { name: 'Confirm one-click order' });
  await expect(ask).toContainText('Buy 0.001 BTC/USDT at market?');
  await snap(page, 'oneclick-confirm');
  await expect(fillRows).toHaveCount(1);
  await ask.getByRole('button', { name: 'Send' }).click();
  await expect(fillRows).toHaveCount(2, { timeout: 60_000 });
  await expect(blotter.getByRole('table', { name: 'Fills' })).toContainText('BUY');

  // Without confirmation: the hotkey sends at once.
  await bar.getByRole('checkbox', { name: 'Confirm each order' }).uncheck();
  await page.locator('body').click({ position: { x: 5, y: 880 } });
  await page.keyboard.press('Shift+S');
  await expect(fillRows).toHaveCount(3, { timeout: 60_000 });
  await expect(ask).toBeHidden();

  // The choice belongs to the account and survives a reload; turning it off stops the hotkey.
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await expect(bar.getByRole('textbox', { name: 'One-click quantity' })).toHaveValue('0.001');
  await expect(bar.getByRole('checkbox', { name: 'Confirm each order' })).not.toBeChecked();
  await bar.getByRole('button', { name: 'Turn off one-click' }).click();
  await expect(ticket).toContainText('One-click trading is off');
});
