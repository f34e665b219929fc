import { expect, openTrading, restingBuyPrice, snap, test } from './fixtures.ts';

/** Every workspace in both themes at a common laptop size, saved for a person to look at (issue 24's checks). */
for (const theme of ['dark', 'light'] as const) {
  test(`every panel in the ${theme} theme`, async ({ page, kestrel }) => {
    test.setTimeout(150_000);
    await page.addInitScript((t) => localStorage.setItem('kestrel.theme', t), theme);
    await page.setViewportSize({ width: 1600, height: 1000 });
    const { ticket, last } = await openTrading(page, kestrel);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await ticket.getByRole('radio', { name: 'Limit', exact: true }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.001');
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill(restingBuyPrice(last));
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
    await snap(page, `${theme}-trade-preview`);
    await ticket.getByTestId('ticket-send').click();
    await expect(page.getByRole('table', { name: 'Open orders' }).getByRole('row')).toHaveCount(2);
    await page.getByRole('combobox', { name: 'Indicator' }).fill('rsi:14');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByTestId('indicator-rsi:14')).toBeVisible();
    await snap(page, `${theme}-trade`);
    // A market buy: a fill and a position for the blotter's other tabs.
    await ticket.getByRole('radio', { name: 'Market', exact: true }).click();
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
    await ticket.getByTestId('ticket-preview').click();
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
    const blotter = page.getByRole('region', { name: 'Blotter' });
    for (const [tab, content] of [['Positions', /LONG/], ['Order history', /filled/], ['Fills', /taker|maker/]] as const) {
      await blotter.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
      await expect(blotter.getByRole('table', { name: tab })).toContainText(content, { timeout: 60_000 });
      await snap(page, `${theme}-blotter-${tab.toLowerCase().replace(' ', '-')}`);
    }
    await page.locator('body').click({ position: { x: 5, y: 980 } });
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await snap(page, `${theme}-cheat-sheet`);
    await page.keyboard.press('Escape');
    for (const ws of ['Studio', 'Audit', 'Risk', 'Data', 'Settings', 'Alerts']) {
      await page.getByRole('button', { name: ws, exact: true }).click();
      await expect(page.getByTestId(`panel-${ws.toLowerCase()}`)).toBeVisible();
      await page.waitForTimeout(500);
      await snap(page, `${theme}-${ws.toLowerCase()}`);
    }
  });
}
