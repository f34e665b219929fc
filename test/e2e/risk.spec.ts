import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, snap, startServer, test } from './fixtures.ts';

/**
 * The risk engine end to end in Chromium: a paper account with a 1 USDT daily-loss limit buys into the demo
 * market; the fee and the market's dip take it past the limit and the monitor halts it — the reason shows,
 * orders are refused; a 5-minute override (passphrase) lets a reducing order through and then expires; the
 * kill switch (confirmed) closes the rest. The paper clock runs 10× so the 5 minutes pass in 30 seconds.
 */
test('daily loss halts, an override lets a reducing order through and expires, the kill switch flattens', async ({ page }) => {
  test.setTimeout(240_000);
  const env = { KESTREL_PAPER_PRICES: 'demo', KESTREL_FEED_SPEED: '10', KESTREL_RISK_PASSPHRASE: 'e2e override passphrase' };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-risk-'));
  const { server, child } = await startServer(dataDir);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
    await page.getByTestId('last-price').textContent({ timeout: 60_000 });

    await page.getByRole('button', { name: 'Risk', exact: true }).click();
    const risk = page.getByTestId('panel-risk');
    await risk.getByRole('textbox', { name: 'Max daily loss' }).fill('1');
    await risk.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Risk profile saved')).toBeVisible();

    // Buy 0.05 BTC at market: the taker fee alone (0.1 % of ~2,100) is past a 1 USDT daily loss.
    await page.getByRole('button', { name: 'Trade', exact: true }).click();
    const ticket = page.getByRole('region', { name: 'Order ticket' });
    await ticket.getByRole('radio', { name: 'Market' }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.05');
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
    await ticket.getByTestId('ticket-send').click();
    // No wait for the ticket's confirmation here: the fill halts the account at once, and a state change
    // clears confirmations (they described the account before it). The halt below is what the fill caused.

    await page.getByRole('button', { name: 'Risk', exact: true }).click();
    await expect(risk.getByText('HALTED', { exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(risk.getByTestId('state-reason')).toContainText('daily loss reached its limit');
    await expect(risk.getByTestId('risk-events')).toContainText('daily loss reached its limit');
    await snap(page, 'risk-halted-daily-loss');

    // Orders are refused: the halt holds even if the market has since won part of the loss back.
    await page.getByRole('button', { name: 'Trade', exact: true }).click();
    await ticket.getByRole('radio', { name: 'Buy' }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('REJECTED');
    await expect(ticket.getByTestId('risk-reasons')).toContainText('trading is halted');
    await snap(page, 'risk-order-refused');

    // A 5-minute override, re-authenticated: reducing orders only.
    await page.getByRole('button', { name: 'Risk', exact: true }).click();
    const form = risk.getByTestId('override-form');
    await form.getByRole('textbox', { name: 'Override reason' }).fill('trim the BTC position');
    await form.getByRole('textbox', { name: 'Override minutes' }).fill('5');
    await form.getByLabel('Override passphrase').fill('e2e override passphrase');
    await form.getByRole('button', { name: 'Allow reducing orders' }).click();
    await expect(risk.getByTestId('override-active')).toContainText('trim the BTC position');
    await expect(risk.getByText('REDUCING-ONLY', { exact: true })).toBeVisible();
    await snap(page, 'risk-override-active');

    await page.getByRole('button', { name: 'Trade', exact: true }).click();
    await ticket.getByRole('radio', { name: 'Sell' }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
    const blotter = page.getByRole('region', { name: 'Blotter' });
    await blotter.getByRole('tab', { name: /Positions/ }).click();
    await expect(blotter.getByRole('table', { name: 'Positions' })).toContainText('0.04', { timeout: 30_000 });

    // The override expires on its own (5 paper minutes): halted again.
    await page.getByRole('button', { name: 'Risk', exact: true }).click();
    await expect(risk.getByTestId('override-active')).toHaveCount(0, { timeout: 60_000 });
    await expect(risk.getByText('HALTED', { exact: true })).toBeVisible();
    await expect(risk.getByTestId('state-reason')).toContainText('expired');
    await snap(page, 'risk-override-expired');

    // The kill switch, confirmed, closes what is left.
    await risk.getByRole('button', { name: /KILL SWITCH/ }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('checkbox')).toBeChecked();
    await dialog.getByRole('button', { name: 'Halt trading and cancel all' }).click();
    await expect(page.getByText(/closing 1 position at market/)).toBeVisible();
    await expect(risk.getByTestId('limit-positions')).toContainText('0 / 10', { timeout: 30_000 });
    await snap(page, 'risk-kill-switch-flat');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
