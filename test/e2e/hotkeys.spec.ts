import { expect, openTrading, snap, test } from './fixtures.ts';

/** Issue 24, Deliver: configurable hotkeys with a cheat sheet. */
test('hotkeys: ? shows the cheat sheet, a key is rebound in Settings (conflicts refused), the new key works and survives a reload', async ({ page, kestrel }) => {
  const { ticket } = await openTrading(page, kestrel);
  await page.locator('body').click({ position: { x: 5, y: 880 } });
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  await expect(sheet.getByTestId('cheat-ticket.buy')).toContainText('B');
  await expect(sheet.getByTestId('cheat-oneclick.buy')).toContainText('Shift+B');
  await expect(sheet.getByTestId('cheat-workspace.settings')).toContainText('Alt+6');
  await snap(page, 'hotkeys-cheat-sheet');
  // Nothing behind the sheet reacts to a trading key while it is open.
  await page.keyboard.press('s');
  await expect(ticket.getByRole('radio', { name: 'Buy' })).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();

  await page.keyboard.press('Alt+6');
  const keys = page.getByRole('table', { name: 'Hotkeys' });
  // A key another action holds is refused, naming that action.
  await keys.getByRole('button', { name: 'Change key for Open the ticket to sell' }).click();
  await page.keyboard.press('b');
  await expect(keys.getByTestId('hotkey-ticket.sell')).toContainText('already does "Open the ticket to buy"');
  await expect(keys.getByTestId('hotkey-ticket.sell')).toContainText('S');
  await keys.getByRole('button', { name: 'Change key for Open the ticket to buy' }).click();
  await page.keyboard.press('k');
  await expect(keys.getByTestId('hotkey-ticket.buy').locator('kbd')).toHaveText('K');
  await keys.getByRole('button', { name: 'Change key for Longer timeframe (first chart)' }).click();
  await page.keyboard.press('Shift+L');
  await expect(keys.getByTestId('hotkey-chart.tf.next').locator('kbd')).toHaveText('Shift+L');
  await snap(page, 'hotkeys-settings');

  await page.keyboard.press('Alt+1');
  await ticket.getByRole('radio', { name: 'Sell' }).click();
  await page.locator('body').click({ position: { x: 5, y: 880 } });
  // B no longer opens the buy side; K does.
  await page.keyboard.press('b');
  await expect(ticket.getByRole('radio', { name: 'Sell' })).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('k');
  await expect(ticket.getByRole('radio', { name: 'Buy' })).toHaveAttribute('aria-checked', 'true');
  await expect(ticket.getByRole('textbox', { name: 'Quantity' })).toBeFocused();
  // A typing key typed into a field stays in the field.
  await page.keyboard.type('0.0k');
  await expect(ticket.getByRole('textbox', { name: 'Quantity' })).toHaveValue('0.0k');

  const chart = page.getByRole('region', { name: 'Chart', exact: true });
  // From a known timeframe (a fresh layout opens the watchlist's first market at its own default).
  await chart.getByRole('button', { name: '1h' }).click();
  await page.locator('body').click({ position: { x: 5, y: 880 } });
  await page.keyboard.press('Shift+L');
  await expect(chart.getByRole('button', { name: '4h' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('[');
  await expect(chart.getByRole('button', { name: '1h' })).toHaveAttribute('aria-pressed', 'true');

  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.locator('body').click({ position: { x: 5, y: 880 } });
  await page.keyboard.press('?');
  await expect(sheet.getByTestId('cheat-ticket.buy').locator('kbd')).toHaveText('K');
});
