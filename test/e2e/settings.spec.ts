import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';

test('settings panel: edit a key of settings.json, see it saved for the next start; a bad value is refused and names the field', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const panel = page.getByTestId('workstation-settings');
  const file = join(kestrel.dataDir, 'settings.json');
  await expect(panel).toContainText(file);

  const every = panel.getByRole('textbox', { name: 'audit.checkpointEvery', exact: true });
  await expect(every).toHaveValue('10000');
  await every.fill('2500');
  await panel.getByRole('button', { name: 'Save audit.checkpointEvery' }).click();
  await expect(panel).toContainText('applies on restart');
  await expect.poll(() => JSON.parse(readFileSync(file, 'utf8')).audit.checkpointEvery).toBe(2500);

  const speed = panel.getByRole('textbox', { name: 'paper.speed', exact: true });
  await speed.fill('-4');
  await speed.press('Enter');
  await expect(page.locator('.notice-error', { hasText: 'paper.speed' })).toBeVisible();
  expect(JSON.parse(readFileSync(file, 'utf8')).paper.speed).toBe(1);
});
