import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, snap, startServer, test } from './fixtures.ts';

/**
 * A price alert created in the Alerts panel fires on the live demo stream: the toast says what happened, the
 * history lists it, the alert shows as fired, and the Health panel sits beside it. Then one drawn from the
 * chart's context menu shows as a line, and dragging the line moves its level.
 */
test('a price alert fires on the demo stream as a toast and in the history', async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-alerts-'));
  const { server, child } = await startServer(dataDir, { KESTREL_FEED_TICK_MS: '10', KESTREL_FEED_CYCLE_MS: '1000', KESTREL_FEED_SWING_BPS: '20' });
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
    await page.getByRole('button', { name: 'Alerts', exact: true }).click();
    const panel = page.getByTestId('panel-alerts');
    await expect(panel).toBeVisible();
    await expect(page.getByTestId('panel-health')).toContainText('Submit → ack');
    const last = panel.locator('.alert-form .muted');
    await expect(last).toHaveText(/last \d/);
    const price = Number((await last.textContent())!.replace('last ', '').replaceAll(',', ''));
    const level = (Math.round(price * 1.0005 * 100) / 100).toFixed(2);
    // `below` a level just above the market: it fires on the next prints whatever way the market drifts
    // (a `crosses` alert waits for the swing, which a loaded machine's catch-up can skip past).
    await panel.getByRole('combobox', { name: 'Condition' }).selectOption('below');
    await panel.getByRole('textbox', { name: 'Level' }).fill(level);
    await panel.getByRole('textbox', { name: 'Alert name' }).fill('BTC breakout');
    await panel.getByRole('button', { name: 'Create alert' }).click();
    await expect(panel.getByTestId('alerts-list')).toContainText(`BTC/USDT below ${level}`);

    const toast = page.getByText(new RegExp(`BTC/USDT is below ${level.replace('.', '\\.')}`)).first();
    await expect(toast).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText('Alert: BTC breakout').first()).toBeVisible();
    const history = panel.getByTestId('alerts-history');
    await expect(history).toContainText('BTC breakout');
    await expect(history).toContainText(`is below ${level}`);
    await expect(panel.getByTestId('alerts-list')).toContainText('fired');
    await snap(page, 'alerts-fired');

    // From the chart: the context menu draws an alert line at the clicked price; dragging it moves the level.
    await page.getByRole('button', { name: 'Trade', exact: true }).click();
    const chart = page.getByTestId('chart');
    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.25, { button: 'right' });
    await page.getByTestId('chart-menu').getByRole('menuitem', { name: /Alert when price crosses/ }).click();
    const grip = page.getByRole('slider', { name: /Drag alert BTC\/USDT/ });
    await expect(grip).toBeVisible();
    const name = (await grip.getAttribute('aria-label'))!.replace('Drag alert ', '');
    const placedAt = name.split(' ')[1]!;
    const g = (await grip.boundingBox())!;
    await page.mouse.move(g.x + 10, g.y + g.height / 2);
    await page.mouse.down();
    await page.mouse.move(g.x + 10, g.y + g.height / 2 + 40, { steps: 5 });
    await snap(page, 'alert-line-dragging');
    await page.mouse.up();
    // The alert keeps its name (the price it was placed at) and now watches a lower level; it may even
    // have fired since (the demo market swings), so the list is checked rather than the line.
    await page.getByRole('button', { name: 'Alerts', exact: true }).click();
    const row = panel.getByTestId('alerts-list').locator('tbody tr', { hasText: name });
    await expect(row).toHaveCount(1);
    await expect.poll(async () => Number((await row.locator('td').nth(1).textContent())!.replace('BTC/USDT crosses ', ''))).toBeLessThan(Number(placedAt));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});
