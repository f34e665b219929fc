import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, snap, startServer, test } from './fixtures.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('exchange keys: a Kestrel Sim key is checked and stored write-only; a key that can withdraw is refused', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-keys-'));
  const simPort = await freePort();
  const { server, child } = await startServer(dataDir, { KESTREL_SIM_PORT: String(simPort) });
  const sim = `http://127.0.0.1:${simPort}`;
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const keys = page.getByTestId('exchange-keys');
    await expect(keys).toContainText('No exchange keys stored.');
    // Kestrel Sim starts on first use: a first (refused) key check starts it, then its admin endpoint issues keys.
    const issue = async (body: object) => {
      for (let i = 0; ; i++) {
        try {
          const r = await fetch(`${sim}/sim-admin/keys`, { method: 'POST', body: JSON.stringify(body) });
          return (await r.json()) as { apiKey: string; secret: string };
        } catch (e) {
          if (i > 100) throw e;
          if (i === 0) {
            await keys.getByLabel('Key name').fill('warmup');
            await keys.getByLabel('API key').fill('A'.repeat(64));
            await keys.getByLabel('API secret').fill('B'.repeat(64));
            await keys.getByRole('button', { name: 'Check and store' }).click();
            await expect(keys.getByTestId('key-refused')).toContainText('Kestrel Sim refused the key');
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    const risky = await issue({ enableWithdrawals: true });
    await keys.getByLabel('Key name').fill('sim-risky');
    await keys.getByLabel('API key').fill(risky.apiKey);
    await keys.getByLabel('API secret').fill(risky.secret);
    await keys.getByRole('button', { name: 'Check and store' }).click();
    await expect(keys.getByTestId('key-refused')).toContainText('can withdraw');
    // The inputs are cleared whatever the answer.
    await expect(keys.getByLabel('API secret')).toHaveValue('');

    const good = await issue({});
    await keys.getByLabel('Key name').fill('sim-main');
    await keys.getByLabel('API key').fill(good.apiKey);
    await keys.getByLabel('API secret').fill(good.secret);
    await keys.getByRole('button', { name: 'Check and store' }).click();
    const row = keys.getByRole('table', { name: 'Stored keys' }).getByRole('row', { name: /sim-main/ });
    await expect(row).toContainText('kestrel-sim');
    await expect(row).toContainText(/set · [0-9a-f]{8}/);
    await expect(keys.getByTestId('key-warning-sim-main')).toContainText('not restricted to IP addresses');
    await expect(keys.getByLabel('API key')).toHaveValue('');
    await keys.scrollIntoViewIfNeeded();
    await snap(page, 'exchange-keys');
    // Nothing on the page, nor any file of the data dir, holds the key in clear.
    const html = await page.content();
    expect(html.includes(good.apiKey) || html.includes(good.secret)).toBe(false);
    for (const f of filesUnder(dataDir)) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(good.secret)), f).toBe(false);
      expect(bytes.includes(Buffer.from(good.apiKey)), f).toBe(false);
    }

    await keys.getByRole('button', { name: 'Remove key sim-main' }).click();
    await expect(keys).toContainText('No exchange keys stored.');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  }
});
