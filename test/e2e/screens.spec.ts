import { expect, openTrading, snap, test } from './fixtures.ts';

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
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill((Math.floor(last * 0.99 * 100) / 100).toFixed(2));
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
    await snap(page, `${theme}-trade-preview`);
    await ticket.getByTestId('ticket-send').click();
    await expect(page.getByRole('table', { name: 'Open orders' }).getByRole('row')).toHaveCount(2);
    await page.getByRole('combobox', { name: 'Indicator' }).fill('rsi:14');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByTestId('indicator-rsi:14')).toBeVisible();
    await snap(page, `${theme}-trade`);
    for (const ws of ['Studio', 'Audit', 'Risk', 'Data', 'Settings']) {
      await page.getByRole('button', { name: ws, exact: true }).click();
      await expect(page.getByTestId(`panel-${ws.toLowerCase()}`)).toBeVisible();
      await page.waitForTimeout(500);
      await snap(page, `${theme}-${ws.toLowerCase()}`);
    }
  });
}
