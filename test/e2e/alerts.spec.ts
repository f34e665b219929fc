import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, snap, startServer, test } from './fixtures.ts';

/**
 * A price alert created in the Alerts panel fires on the paper account's stream (Kestrel Sim's prints): the
 * toast says what happened, the history lists it, the alert shows as fired, and the Health panel sits beside
 * it. An alert drawn and dragged on the chart is alerts-sim.spec.ts.
 */
test('a price alert fires on the account\'s stream as a toast and in the history', async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-alerts-'));
  const { server, child } = await startServer(dataDir, { KESTREL_SIM_SPEED: '10' });
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
    const level = (Math.round(price * 1.005 * 100) / 100).toFixed(2);
    // `below` a level above the market: it fires on the next print whatever way the market drifts (a
    // `crosses` alert waits for a swing). Kestrel Sim prints a few trades a minute at speed 1, so the level
    // keeps 0.5 % of room and the sim runs at 10x.
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

  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});
