import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, snap, startServer, test } from './fixtures.ts';

/**
 * A price alert created in the Alerts panel fires on the live demo stream: the toast says what crossed, the
 * history lists it, the alert shows as fired, and the Health panel beside it counts the session's signals.
 * The fast feed swings ±20 bps every second, so a level 5 bps above the last price is crossed in seconds.
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
    await panel.getByRole('textbox', { name: 'Level' }).fill(level);
    await panel.getByRole('textbox', { name: 'Alert name' }).fill('BTC breakout');
    await panel.getByRole('button', { name: 'Create alert' }).click();
    await expect(panel.getByTestId('alerts-list')).toContainText(`BTC/USDT crosses ${level}`);

    const toast = page.getByText(new RegExp(`BTC/USDT crossed ${level.replace('.', '\\.')}`)).first();
    await expect(toast).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText('Alert: BTC breakout').first()).toBeVisible();
    const history = panel.getByTestId('alerts-history');
    await expect(history).toContainText('BTC breakout');
    await expect(history).toContainText(`crossed ${level}`);
    await expect(panel.getByTestId('alerts-list')).toContainText('fired');
    await snap(page, 'alerts-fired');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});
