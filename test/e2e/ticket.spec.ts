import { expect, snap, test } from './fixtures.ts';

test('keyboard-only order entry: B opens the ticket, Enter previews, Enter sends, Esc backs out', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  await expect(ticket.getByRole('combobox', { name: 'Ticket symbol' })).toHaveValue('BTC/USDT');
  const last = Number(await ticket.locator('.ticket-symbol .last').textContent());
  expect(last).toBeGreaterThan(0);

  await page.keyboard.press('b');
  await expect(ticket.getByRole('textbox', { name: 'Quantity' })).toBeFocused();
  await expect(ticket.getByRole('radio', { name: 'Buy' })).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.type('0.002');
  await page.keyboard.press('Tab');
  await expect(ticket.getByRole('textbox', { name: 'Limit price' })).toBeFocused();
  // Off-tick input is snapped to the 0.01 tick on the way out of the field.
  const base = Math.floor(last * 0.97); // the order is sent and must rest (fixtures.ts restingBuyPrice)
  await page.keyboard.type(`${base}.437`);
  await page.keyboard.press('Enter');
  const preview = ticket.getByTestId('ticket-preview-pane');
  await expect(preview).toContainText('PASS');
  await expect(preview).toContainText(`${base}.44`);
  await expect(ticket.getByRole('textbox', { name: 'Limit price' })).toHaveValue(`${base}.44`);
  await expect(ticket.getByTestId('ticket-send')).toBeFocused();
  // Esc goes back to the form without sending; Enter previews again.
  await page.keyboard.press('Escape');
  await expect(preview).toBeHidden();
  await expect(ticket.getByRole('textbox', { name: 'Quantity' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(ticket.getByTestId('ticket-send')).toBeFocused();
  await snap(page, 'ticket-keyboard-preview');
  await page.keyboard.press('Enter');
  await expect(ticket.getByTestId('ticket-sent')).toContainText('BUY 0.002 BTC/USDT limit');
  await expect(page.getByRole('table', { name: 'Open orders' })).toContainText('hotkey');

  // S flips to the sell side from anywhere outside a text field.
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 5, y: 880 } });
  await page.keyboard.press('s');
  await expect(ticket.getByRole('radio', { name: 'Sell' })).toHaveAttribute('aria-checked', 'true');
  await expect(ticket.getByRole('textbox', { name: 'Quantity' })).toBeFocused();
});

test('a risk rejection shows its reason in the ticket', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('button', { name: 'Risk', exact: true }).click();
  const risk = page.getByTestId('panel-risk');
  await risk.getByRole('textbox', { name: 'Max order notional' }).fill('100');
  await risk.getByRole('button', { name: 'Save limits' }).click();
  await expect(page.getByText('Risk limits saved')).toBeVisible();

  await page.getByRole('button', { name: 'Trade', exact: true }).click();
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  await ticket.getByRole('radio', { name: 'Market' }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByTestId('ticket-preview').click();
  const preview = ticket.getByTestId('ticket-preview-pane');
  await expect(preview).toContainText('REJECTED');
  await expect(ticket.getByTestId('risk-reasons')).toContainText('order notional above limit');
  await expect(ticket.getByTestId('risk-reasons')).toContainText('limit 100');
  await expect(ticket.getByTestId('ticket-send')).toBeDisabled();
  await snap(page, 'ticket-risk-rejected');

  // The kill switch (with confirmation) halts trading; the ticket then says so.
  await page.getByRole('button', { name: 'Risk', exact: true }).click();
  await risk.getByRole('button', { name: /KILL SWITCH/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Halt trading and cancel all' }).click();
  await expect(risk.getByText('HALTED')).toBeVisible();
  await page.getByRole('button', { name: 'Trade', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('risk-reasons')).toBeVisible();
  await expect(preview).toContainText('trading halted');
});
