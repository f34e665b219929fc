import type { Page } from '@playwright/test';
import { expect, openTrading, snap, test } from './fixtures.ts';

/** Issue 24, Deliver: dates follow one chosen time zone (chart, blotter, audit). */

const stamp = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?/;
/** A shown "YYYY-MM-DD HH:MM[:SS]" read as if it were UTC, in ms (so two zones' writings of one moment differ by the offset). */
const wall = (text: string | null): number => {
  const m = stamp.exec(text ?? '');
  if (!m) throw new Error(`no date in ${text}`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
};

async function legendTime(page: Page): Promise<number> {
  const chart = page.getByTestId('chart');
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
  const t = wall(await page.getByTestId('chart-legend').locator('.muted').first().textContent());
  await page.mouse.move(box.x - 20, box.y - 20);
  return t;
}

test('a chosen time zone moves every shown date by its offset: blotter, chart crosshair, audit list', async ({ page, kestrel }) => {
  const { ticket, last } = await openTrading(page, kestrel);
  await expect(page.getByTestId('time-zone')).toHaveText('Times: UTC');
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill((Math.round(last * 0.97 * 100) / 100).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await ticket.getByTestId('ticket-send').click();
  const openOrders = page.getByRole('table', { name: 'Open orders' });
  const timeCell = openOrders.getByRole('row').nth(1).getByRole('cell').first();
  await expect(timeCell).toHaveText(stamp);
  const orderUtc = wall(await timeCell.textContent());
  // Hourly bars (a fresh layout opens the watchlist's first market at its own default timeframe).
  await page.getByRole('region', { name: 'Chart', exact: true }).getByRole('button', { name: '1h', exact: true }).click();
  await expect.poll(async () => Number(await page.getByTestId('chart').getAttribute('data-bars')), { timeout: 60_000 }).toBeGreaterThan(20);
  // Hourly bars open on the hour in UTC: the crosshair's bar time has minute 00 there, minute 30 at UTC+05:30.
  expect(new Date(await legendTime(page)).getUTCMinutes()).toBe(0);

  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  const auditRow = page.getByRole('table').getByRole('row').nth(1);
  await expect(page.getByRole('columnheader', { name: 'Time (UTC)' })).toBeVisible();
  const auditUtc = wall(await auditRow.getByRole('cell').nth(1).textContent());
  const auditSeq = await auditRow.getByRole('cell').first().textContent();

  // India is UTC+05:30 all year: every date moves by exactly that (Chromium lists it under its older name).
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('combobox', { name: 'Time zone' }).selectOption('Asia/Calcutta');
  await expect(page.getByTestId('time-zone')).toHaveText('Times: Asia/Calcutta');
  const shift = 5.5 * 3600_000;

  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(page.getByRole('columnheader', { name: 'Time (Asia/Calcutta)' })).toBeVisible();
  const row = page.getByRole('table').getByRole('row').filter({ has: page.getByRole('cell', { name: auditSeq!, exact: true }) }).first();
  expect(wall(await row.getByRole('cell').nth(1).textContent()) - auditUtc).toBe(shift);

  await page.getByRole('button', { name: 'Trade', exact: true }).click();
  await expect(timeCell).toHaveText(stamp);
  expect(wall(await timeCell.textContent()) - orderUtc).toBe(shift);
  await expect.poll(async () => Number(await page.getByTestId('chart').getAttribute('data-bars')), { timeout: 60_000 }).toBeGreaterThan(20);
  expect(new Date(await legendTime(page)).getUTCMinutes()).toBe(30);
  await snap(page, 'timezone-kolkata');

  // The choice survives a reload.
  await page.reload();
  await expect(page.getByTestId('time-zone')).toHaveText('Times: Asia/Calcutta');
});
