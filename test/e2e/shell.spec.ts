import { expect, snap, test } from './fixtures.ts';

test('the workstation opens with its layout and shows the host version', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await expect(page.getByTestId('host-version')).toHaveText(/Kestrel \d+\.\d+\.\d+/);
  await expect(page.getByTestId('app-mode')).toHaveText('Headless');
  await expect(page.getByTestId('engine-status')).toContainText('ready');
  for (const name of ['Chart', 'Order ticket', 'Blotter']) await expect(page.getByRole('region', { name })).toBeVisible();
  await snap(page, 'shell-trade');
  for (const [label, region] of [['Studio', 'Strategy studio'], ['Audit', 'Audit'], ['Risk', 'Risk'], ['Data', 'Data'], ['Settings', 'Settings']] as const) {
    await page.getByRole('button', { name: label, exact: true }).click();
    await expect(page.getByRole('region', { name: region, exact: true })).toBeVisible();
  }
});

test('without the launch token the page says how to connect instead of failing silently', async ({ page, kestrel }) => {
  await page.goto(kestrel.url.replace(/#token=.*/, ''));
  await expect(page.getByTestId('connection-status')).toHaveText(/Disconnected/);
  await expect(page.locator('.statusbar')).toContainText(/launch token/);
});

test('the launch token leaves the address bar and history once read; a reload stays connected', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  expect(page.url()).not.toContain('token');
  expect(await page.evaluate(() => window.location.href)).not.toContain('token');
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
});
