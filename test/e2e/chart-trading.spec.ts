import { expect, openTrading, snap, test } from './fixtures.ts';

test('chart trading: drag an order to a new price (amend through the gate), × cancels, right-click places at that price', async ({ page, kestrel }) => {
  const { ticket, last } = await openTrading(page, kestrel);
  await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
  const price = (Math.floor(last * 0.995 * 100) / 100).toFixed(2);
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill(price);
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  await expect(ticket.getByTestId('ticket-sent')).toBeVisible();

  const grip = page.getByRole('slider', { name: /Drag BUY limit 0.001/ });
  await expect(grip).toBeVisible();
  const b = (await grip.boundingBox())!;
  await page.mouse.move(b.x + 10, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + 10, b.y + b.height / 2 + 30, { steps: 5 });
  await page.mouse.up();
  const open = page.getByRole('table', { name: 'Open orders' });
  // The order now rests lower: the amend went through and the blotter shows its new price.
  await expect.poll(async () => Number((await open.getByRole('cell').nth(6).textContent())!.replace(/,/g, '')), { timeout: 20_000 }).toBeLessThan(Number(price));
  await snap(page, 'chart-trading-dragged');

  await page.getByRole('button', { name: /from the chart$/ }).click();
  await expect(open.getByRole('row')).toHaveCount(1);
  await expect(grip).toHaveCount(0);

  const chart = page.getByTestId('chart');
  const box = (await chart.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.3, { button: 'right' });
  const menu = page.getByTestId('chart-menu');
  await expect(menu).toBeVisible();
  await menu.getByRole('menuitem', { name: /Sell limit @/ }).click();
  await expect(ticket.getByRole('radio', { name: 'Sell' })).toHaveAttribute('aria-checked', 'true');
  await expect(ticket.getByRole('radio', { name: 'Limit', exact: true })).toHaveAttribute('aria-checked', 'true');
  await expect(ticket.getByRole('textbox', { name: 'Limit price' })).toHaveValue(/^\d+\.\d{2}$/);
  await expect(ticket.getByRole('textbox', { name: 'Quantity' })).toBeFocused();

  // A buy stop 4 % over the last price, above what the chart shows: its label is pinned inside the chart (▲), never over the toolbar.
  await ticket.getByRole('radio', { name: 'Buy' }).click();
  await ticket.getByRole('radio', { name: 'Stop', exact: true }).click();
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
  await ticket.getByRole('textbox', { name: 'Trigger price' }).fill((Math.floor(last * 1.04 * 100) / 100).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  const high = page.getByRole('slider', { name: /Drag BUY stop 0.001/ });
  await expect(high).toBeVisible();
  const g = (await high.boundingBox())!;
  const c = (await chart.boundingBox())!;
  expect(g.y).toBeGreaterThanOrEqual(c.y);
  expect(g.y + g.height).toBeLessThanOrEqual(c.y + c.height);
  await snap(page, 'chart-trading-order-above');
});
