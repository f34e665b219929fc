import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, repoRoot, snap, test } from './fixtures.ts';

test('settings panel: switch updates on and to beta; saved for the next start, kept across a reload, seen by kestrel config', async ({ page, kestrel }) => {
  await page.goto(kestrel.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const panel = page.getByTestId('updates-settings');
  const toggle = panel.getByRole('checkbox', { name: 'Check for updates' });
  const beta = panel.getByRole('radio', { name: 'Beta' });
  await expect(toggle).not.toBeChecked();
  await expect(panel.getByRole('radio', { name: 'Stable' })).toHaveAttribute('aria-checked', 'true');
  await expect(beta).toBeDisabled();
  await expect(panel).toContainText('only when you agree');

  await toggle.check();
  await expect(beta).toBeEnabled();
  await beta.click();
  await expect(beta).toHaveAttribute('aria-checked', 'true');
  await expect(panel).toContainText('applies on next start');
  const file = join(kestrel.dataDir, 'settings.json');
  await expect.poll(() => JSON.parse(readFileSync(file, 'utf8')).updates).toEqual({ enabled: true, channel: 'beta' });
  await panel.scrollIntoViewIfNeeded();
  await snap(page, 'settings-updates');

  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(toggle).toBeChecked();
  await expect(beta).toHaveAttribute('aria-checked', 'true');
  await expect(panel).toContainText('applies on next start');

  const env: NodeJS.ProcessEnv = { ...process.env, KESTREL_LOG: 'warn' };
  delete env.KESTREL_UPDATES;
  const got = execFileSync(process.execPath, [join(repoRoot, 'main/cli/kestrel.ts'), 'config', 'get', 'updates', '--data-dir', kestrel.dataDir], { cwd: repoRoot, env, encoding: 'utf8' });
  expect(JSON.parse(got)).toEqual({ enabled: true, channel: 'beta' });

  // Switching back off is saved too, and the channel choice is kept for when updates are on again.
  await toggle.uncheck();
  await expect.poll(() => JSON.parse(readFileSync(file, 'utf8')).updates).toEqual({ enabled: false, channel: 'beta' });
});
