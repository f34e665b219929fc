import { expect, openTrading, snap, test } from './fixtures.ts';

test('audit replay: scrub a paper session back before a fill and forward after it', async ({ page, kestrel }) => {
  test.setTimeout(150_000);
  const { ticket, last } = await openTrading(page, kestrel);

  // A marketable paper limit buy: it fills on the feed's next print.
  expect(last).toBeGreaterThan(0);
  await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
  await ticket.getByRole('textbox', { name: 'Limit price' }).fill((last * 1.002).toFixed(2));
  await ticket.getByTestId('ticket-preview').click();
  await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
  await ticket.getByTestId('ticket-send').click();
  const blotter = page.getByRole('region', { name: 'Blotter' });
  await blotter.getByRole('tab', { name: /Fills/ }).click();
  await expect(blotter.getByRole('table', { name: 'Fills' }).getByRole('row')).toHaveCount(2, { timeout: 60_000 });

  // The audit view's replay: the running paper session is picked, at its latest event.
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  const audit = page.getByTestId('panel-audit');
  await audit.getByRole('tab', { name: 'Replay' }).click();
  const replay = audit.getByTestId('replay-panel');
  await expect(replay.getByRole('combobox', { name: 'Replay session' })).toContainText(/Paper .*paper-/);
  const positions = replay.getByRole('table', { name: 'Replay positions' });
  const open = replay.getByRole('table', { name: 'Replay open orders' });
  const where = replay.getByTestId('replay-position');
  await expect(where).toContainText(/Event \d+ of \d+/);
  await expect(positions).toContainText('LONG');
  await expect(positions).toContainText('0.01');
  await expect(replay.getByTestId('replay-chart')).toHaveAttribute('data-bars', /^[1-9]\d*/, { timeout: 30_000 });
  await expect(replay.getByTestId('chart-time-marker')).toBeVisible();

  // Back to the fill, then one step before it: no position yet, the order still open.
  await replay.getByRole('button', { name: 'Previous fill' }).click();
  await expect(where).toContainText('fill buy BTC/USDT');
  await expect(positions).toContainText('LONG');
  await replay.getByRole('button', { name: 'Step back' }).click();
  await expect(where).not.toContainText('fill buy');
  await expect(positions).toContainText('No position');
  await expect(open).toContainText('BTC/USDT');
  await expect(open).toContainText('0.01');
  const markerBefore = Number(await replay.getByTestId('chart-time-marker').getAttribute('data-ts'));
  await snap(page, 'audit-replay-before-fill');

  // Forward again: the fill, and the position with it; the order is no longer open.
  await replay.getByRole('button', { name: 'Step forward' }).click();
  await expect(where).toContainText('fill buy BTC/USDT');
  await expect(positions).toContainText('LONG');
  await expect(positions).toContainText('0.01');
  expect(Number(await replay.getByTestId('chart-time-marker').getAttribute('data-ts'))).toBeGreaterThanOrEqual(markerBefore);
  await snap(page, 'audit-replay-after-fill');
  // The venue's fill comes first, the order's own "filled" update right after it: one more step closes it.
  await replay.getByRole('button', { name: 'Step forward' }).click();
  await expect(where).toContainText('→ filled');
  await expect(open).toContainText('No open orders');
  await expect(positions).toContainText('LONG');

  // Dragging the scrubber to the very start: the session had just begun.
  await replay.getByRole('slider', { name: 'Replay position' }).fill('0');
  await expect(where).toContainText(/Event 1 of \d+ .* session-start/);
  await expect(positions).toContainText('No position');

  // Re-run in the running app: the feed re-created, the ticket order re-done at its moment, same fill.
  await replay.getByRole('button', { name: 'Re-run' }).click();
  await expect(replay.getByTestId('rerun-result')).toContainText('IDENTICAL', { timeout: 30_000 });
  await expect(replay.getByTestId('rerun-result')).toContainText('1/1 fills');
  // Recorded and re-run by this engine: no note about engine fingerprints.
  await expect(replay.getByTestId('rerun-engine')).toHaveCount(0);
  await snap(page, 'audit-replay-rerun');
});
