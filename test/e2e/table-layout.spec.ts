import type { Locator, Page } from '@playwright/test';
import { expect, openTrading, snap, test } from './fixtures.ts';

/**
 * Issue 24 #6: open orders' Modify/Cancel sat off-screen (a ~1,420 px table in a 1,188 px panel) and columns
 * misaligned when a row held a stop price or a long summary. Checked here by the boxes of the cells themselves.
 */

/** Every row's cells start and end where the header's do (each row is its own grid). */
async function expectAligned(table: Locator): Promise<void> {
  const boxes = await table.evaluate((t) =>
    [...t.querySelectorAll('[role=row]')].map((r) => [...r.querySelectorAll('[role=columnheader],[role=cell]')].map((c) => {
      const b = c.getBoundingClientRect();
      return [Math.round(b.left * 10) / 10, Math.round(b.right * 10) / 10];
    })),
  );
  expect(boxes.length).toBeGreaterThan(1);
  const [head, ...rows] = boxes;
  for (const r of rows) expect(r).toEqual(head);
}

/** Each action button lies wholly inside the table's visible box, with the table scrolled to its left edge. */
async function expectActionsVisible(page: Page, table: Locator, name: RegExp): Promise<void> {
  await table.evaluate((t) => (t.scrollLeft = 0));
  const frame = (await table.boundingBox())!;
  const buttons = table.getByRole('button', { name });
  const n = await buttons.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const b = (await buttons.nth(i).boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(frame.x);
    expect(b.x + b.width).toBeLessThanOrEqual(frame.x + frame.width + 0.5);
    await expect(buttons.nth(i)).toBeInViewport();
  }
  // And the page itself never scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

for (const [w, h] of [[1280, 720], [1600, 1000], [1920, 1080]] as const) {
  test(`blotter and audit tables at ${w}×${h}: actions visible, columns aligned`, async ({ page, kestrel }) => {
    await page.setViewportSize({ width: w, height: h });
    const { ticket, last } = await openTrading(page, kestrel);
    const px = (f: number) => (Math.round(last * f * 100) / 100).toFixed(2);
    // A resting limit, and a stop-limit whose trigger and price both show.
    await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill(px(0.97));
    await ticket.getByTestId('ticket-preview').click();
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
    await page.keyboard.press('Escape');
    await ticket.getByRole('radio', { name: 'Stop-limit', exact: true }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
    await ticket.getByRole('textbox', { name: 'Trigger price' }).fill(px(1.02));
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill(px(1.025));
    await ticket.getByTestId('ticket-preview').click();
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toBeVisible();

    const open = page.getByRole('table', { name: 'Open orders' });
    await expect(open.getByRole('row')).toHaveCount(3);
    await expect(open).toContainText(Number(px(1.02)).toLocaleString('en-US', { minimumFractionDigits: 2 }));
    await expectActionsVisible(page, open, /^(Modify|Cancel) /);
    await expectAligned(open);
    await snap(page, `blotter-${w}x${h}`);

    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    const log = page.getByRole('table', { name: 'Audit events' });
    await expect(log.getByRole('row').nth(4)).toBeVisible();
    await expectAligned(log);
  });
}
