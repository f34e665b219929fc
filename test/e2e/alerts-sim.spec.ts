import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, snap, startServer, test } from './fixtures.ts';

/**
 * A price alert drawn on the chart fires on the Kestrel Sim stream: a sim account (its prices are Kestrel
 * Sim's trades, not the demo feed) is selected, an alert line is drawn from the chart's context menu and
 * dragged onto the market's last price (read from Kestrel Sim itself), and the crossing shows as a toast
 * and in the alert history.
 */
test('a price alert drawn on the chart fires on the Kestrel Sim stream as a toast and in the history', async ({ page }) => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-alerts-sim-'));
  const simPort = 20_000 + Math.floor(Math.random() * 20_000);
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({
    version: 1,
    accounts: [
      { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
      { id: 'sim1', name: 'Sim Desk', venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
    ],
    selectedAccount: 'sim1',
  }));
  const { server, child } = await startServer(dataDir, { KESTREL_SIM_PORT: String(simPort), KESTREL_SIM_SPEED: '30' });
  const simLast = async () => Number(((await (await fetch(`http://127.0.0.1:${simPort}/api/v3/ticker/24hr?symbol=BTCUSDT`)).json()) as { lastPrice: string }).lastPrice);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
    await expect(page.getByTestId('live-badge')).toContainText('SIM');
    await page.getByRole('button', { name: 'Trade', exact: true }).click();
    const chart = page.getByTestId('chart');
    await expect(chart).toBeVisible();
    // An info toast fades after 4 s, and a loaded machine's polls can miss it: the page keeps every toast it shows.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { __toasts: string[] }).__toasts = []);
      const box = document.querySelector('.notices')!;
      new MutationObserver(() => {
        for (const m of box.querySelectorAll('.notice-message')) if (m.textContent && !seen.includes(m.textContent)) seen.push(m.textContent);
      }).observe(box, { childList: true, subtree: true, characterData: true });
    });
    const fired = () => page.evaluate(() => (window as unknown as { __toasts: string[] }).__toasts.find((t) => /BTC\/USDT crossed [\d.]+ (upwards|downwards)/.test(t)) ?? null);

    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.3, { button: 'right' });
    await page.getByTestId('chart-menu').getByRole('menuitem', { name: /Alert when price crosses/ }).click();
    const grip = page.getByRole('slider', { name: /Drag alert BTC\/USDT/ });
    await expect(grip).toBeVisible();
    const level = async () => Number(await grip.getAttribute('aria-valuenow'));
    // The chart's scale from one drag, then the line dropped on Kestrel Sim's last price.
    const l0 = await level();
    await drag(page, grip, 40);
    await expect.poll(level).not.toBe(l0);
    const pxPerPrice = 40 / (l0 - (await level()));
    await snap(page, 'alert-sim-line-on-market');

    // Waiting for a random walk to come back to a level has no useful bound: a line left a few ticks off the
    // market (the price moves on while a loaded machine drags it) could wait minutes. So the line is dropped on
    // Kestrel Sim's last price again and again, each time given a few seconds of prints to cross it, until the
    // alert fires: at 30x a print comes about every half second and moves the price by about a pixel.
    await expect(async () => {
      if (await fired()) return;
      const dy = (Number(await grip.getAttribute('aria-valuenow', { timeout: 2_000 })) - (await simLast())) * pxPerPrice;
      if (Math.abs(dy) >= 1) await drag(page, grip, dy);
      await expect.poll(fired, { timeout: 5_000 }).not.toBeNull();
    }).toPass({ timeout: 120_000, intervals: [0] });
    await snap(page, 'alert-sim-fired-toast');
    await page.getByRole('button', { name: 'Alerts', exact: true }).click();
    const history = page.getByTestId('panel-alerts').getByTestId('alerts-history');
    await expect(history).toContainText(/BTC\/USDT crossed [\d.]+ (upwards|downwards)/);
    await expect(page.getByTestId('panel-alerts').getByTestId('alerts-list')).toContainText('fired');
    await snap(page, 'alert-sim-history');
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      // A sim account's shutdown can outlast the test's budget on a loaded machine: the data dir goes anyway.
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});

async function drag(page: Page, grip: ReturnType<Page['getByRole']>, dy: number): Promise<void> {
  const g = await grip.boundingBox({ timeout: 2_000 });
  if (!g) throw new Error('the alert line is gone (fired meanwhile?)');
  await page.mouse.move(g.x + 10, g.y + g.height / 2);
  await page.mouse.down();
  await page.mouse.move(g.x + 10, g.y + g.height / 2 + dy, { steps: 5 });
  await page.mouse.up();
}
