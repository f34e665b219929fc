import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, repoRoot, snap, startServer, test } from './fixtures.ts';

/**
 * Correlation and VaR in the risk panel: a profile with both rules (set with `kestrel config`, as a user would)
 * samples returns from the paper session's own prices; once the window holds enough of them the panel shows
 * the 1-day VaR against its cap and the correlation heat map, and an order over the VaR cap is refused with the
 * rule named in the ticket. The paper clock runs 600× with a 100 ms tick: one return per tick.
 */
test('the risk panel shows VaR and the correlation heat map from the session’s prices, and the VaR rule refuses', async ({ page }) => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-var-'));
  const profile = { var: { maxPctEquity: 0.05, window: 30 }, correlation: { window: 30, threshold: 0.7, maxBucketPctEquity: 50 }, returnsEveryMinutes: 1, maxPositionPctEquity: 100 };
  const set = spawnSync(process.execPath, [join(repoRoot, 'main/cli/kestrel.ts'), 'config', 'set', 'riskProfiles.default.account', JSON.stringify(profile), '--data-dir', dataDir], { encoding: 'utf8' });
  expect(set.status, set.stderr).toBe(0);
  const { server, child } = await startServer(dataDir, { KESTREL_PAPER_PRICES: 'demo', KESTREL_FEED_TICK_MS: '100', KESTREL_FEED_SPEED: '600', KESTREL_FEED_CYCLE_MS: '60000', KESTREL_FEED_SWING_BPS: '40' });
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
    await page.getByRole('button', { name: 'Risk', exact: true }).click();
    const card = page.getByTestId('portfolio-risk');
    await expect(card).toContainText('parametric 99% · 1-day · returns every 1 min · window 30');
    await expect(card.getByTestId('correlation-heatmap')).toBeVisible({ timeout: 90_000 });
    await expect(card.getByTestId('limit-var')).toContainText(/of equity\) \/ 0\.05%/);
    const cells = card.getByTestId('correlation-heatmap').getByRole('cell');
    expect(await cells.count()).toBeGreaterThanOrEqual(4);
    await expect(cells.first()).toHaveText('1.00');
    await snap(page, 'risk-correlation-var');

    await page.getByRole('button', { name: 'Trade', exact: true }).click();
    const ticket = page.getByRole('region', { name: 'Order ticket' });
    await ticket.getByRole('radio', { name: 'Market' }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.1');
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('max_var');
    await snap(page, 'ticket-refused-by-var');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});
