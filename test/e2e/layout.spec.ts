import { expect, openTrading, snap, test } from './fixtures.ts';

/** Issue 24, Layout: a resizable chart/blotter split, saved layouts with their charts and indicators, more than one chart. */

test('the chart/blotter split drags, steps by keyboard and survives a reload', async ({ page, kestrel }) => {
  await openTrading(page, kestrel);
  const chart = page.getByRole('region', { name: 'Chart', exact: true });
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  const before = (await chart.boundingBox())!;
  const bar = page.getByRole('separator', { name: /chart and blotter/ });
  const b = (await bar.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + 60, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + 120, { steps: 4 });
  await page.mouse.up();
  await expect.poll(async () => (await chart.boundingBox())!.height).toBeGreaterThan(before.height + 100);
  const dragged = (await chart.boundingBox())!.height;

  // The ticket column: arrow keys on the focused separator, five steps of 2 % each.
  const ticketBefore = (await ticket.boundingBox())!.width;
  await page.getByRole('separator', { name: /charts and ticket: main \| side/ }).focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await ticket.boundingBox())!.width).toBeGreaterThan(ticketBefore + 80);
  const ticketWide = (await ticket.boundingBox())!.width;

  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await expect.poll(async () => Math.round((await chart.boundingBox())!.height)).toBeGreaterThan(dragged - 3);
  expect(Math.abs((await chart.boundingBox())!.height - dragged)).toBeLessThan(3);
  expect(Math.abs((await ticket.boundingBox())!.width - ticketWide)).toBeLessThan(3);
  await snap(page, 'layout-resized');
});

test('two charts with their own timeframe and indicators, saved as a layout and brought back', async ({ page, kestrel }) => {
  await openTrading(page, kestrel);
  const menu = page.getByRole('dialog', { name: 'Layout' });
  // The menu closes on a click elsewhere, as menus do: each step opens it again.
  const charts = async (n: string) => {
    if (!(await menu.isVisible())) await page.getByRole('button', { name: 'Layout ▾' }).click();
    await menu.getByRole('group', { name: 'Number of charts' }).getByRole('button', { name: n }).click();
  };
  const first = page.getByRole('region', { name: 'Chart', exact: true });
  const firstTf = await first.locator('button[aria-pressed="true"]').filter({ hasText: /^\d+[mhdwM]$/ }).first().textContent();
  await charts('2');
  const second = page.getByRole('region', { name: 'Chart 2' });
  await expect(second.getByTestId('chart-1')).not.toHaveAttribute('data-bars', '0');
  await second.getByRole('group', { name: 'Timeframe' }).getByRole('button', { name: '4h' }).click();
  await second.getByRole('combobox', { name: 'Indicator' }).fill('rsi:14');
  await second.getByRole('button', { name: 'Add' }).click();
  await expect(second.getByTestId('indicator-rsi:14')).toBeVisible();
  // The primary chart is untouched by what the second one shows.
  await expect(first.getByRole('button', { name: firstTf!, exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(first.getByTestId('indicator-rsi:14')).toHaveCount(0);
  const secondSymbol = await second.getByRole('combobox', { name: 'Symbol' }).inputValue();

  await page.getByRole('button', { name: 'Layout ▾' }).click();
  await menu.getByRole('textbox', { name: 'Layout name' }).fill('Two views');
  await menu.getByRole('button', { name: 'Save' }).click();
  await expect(menu.getByRole('button', { name: 'Apply layout Two views' })).toBeVisible();
  await snap(page, 'layout-two-charts');

  // Back to one chart, the second chart changed meanwhile, then the saved layout restores both.
  await charts('1');
  await expect(second).toHaveCount(0);
  await charts('2');
  await second.getByRole('group', { name: 'Timeframe' }).getByRole('button', { name: '15m' }).click();
  await second.getByRole('button', { name: 'Remove rsi:14' }).click();
  await expect(second.getByTestId('indicator-rsi:14')).toHaveCount(0);
  await charts('1');
  await menu.getByRole('button', { name: 'Apply layout Two views' }).click();
  await expect(second.getByRole('button', { name: '4h' })).toHaveAttribute('aria-pressed', 'true');
  await expect(second.getByTestId('indicator-rsi:14')).toBeVisible();
  await expect(second.getByRole('combobox', { name: 'Symbol' })).toHaveValue(secondSymbol);

  // Saved layouts survive a reload; deleting one removes it.
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await expect(second.getByRole('button', { name: '4h' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Layout ▾' }).click();
  await menu.getByRole('button', { name: 'Delete layout Two views' }).click();
  await expect(menu.getByRole('button', { name: 'Apply layout Two views' })).toHaveCount(0);
});
