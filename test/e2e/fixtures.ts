import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const artefacts = join(repoRoot, 'test-results', 'screenshots');

export interface KestrelServer {
  url: string;
  dataDir: string;
  output: () => string;
}

/**
 * Starts `kestrel serve` with its own data dir and waits for the URL it prints, as a newcomer would. `app`
 * runs another copy's CLI instead of this checkout's sources (built-app.spec.ts: the build output alone).
 */
export async function startServer(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
  app: { cli: string; cwd: string } = { cli: join(repoRoot, 'main/cli/kestrel.ts'), cwd: repoRoot },
): Promise<{ server: KestrelServer; child: ChildProcess }> {
  // The audit key's passphrase, as a script gives it: in a file beside the data dir, never in argv.
  const passphraseFile = `${dataDir}.passphrase`;
  writeFileSync(passphraseFile, 'kestrel e2e passphrase\n', { mode: 0o600 });
  const child = spawn(process.execPath, [app.cli, 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd: app.cwd,
    env: { ...process.env, KESTREL_LOG: 'warn', KESTREL_KEY_PASSPHRASE_FILE: passphraseFile, KESTREL_KEY_SCRYPT_LOG_N: '14', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kestrel serve printed no URL within 120 s:\n${out}`)), 120_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`kestrel serve exited with ${code}:\n${out}`)));
  });
  return { server: { url, dataDir, output: () => out }, child };
}

export const test = base.extend<{ kestrel: KestrelServer; kestrelEnv: NodeJS.ProcessEnv }>({
  /** Extra environment for the server (`test.use({ kestrelEnv: { KESTREL_SIM_SPEED: '10' } })`). */
  kestrelEnv: [{}, { option: true }],
  kestrel: async ({ kestrelEnv }, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-e2e-'));
    const { server, child } = await startServer(dataDir, kestrelEnv);
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = `kestrel serve exited early (${code ?? signal})`));
    await use(server);
    // A failed test keeps what its server said (and whether it died), since its data dir is removed below.
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('kestrel-serve-output', { body: `${exited ?? 'kestrel serve still running'}\n${server.output()}` });
    child.kill('SIGTERM');
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.passphrase`, { force: true });
  },
});

/** Saves a named screenshot as a test artefact under test-results/screenshots. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(artefacts, { recursive: true });
  await page.screenshot({ path: join(artefacts, `${name}.png`) });
}

export { expect };

/**
 * Opens the workstation on its trading screen and waits for what an order needs: the connection, the
 * ticket on the default symbol, and the feed's first price (returned).
 */
export async function openTrading(page: Page, server: KestrelServer): Promise<{ ticket: Locator; last: number }> {
  await page.goto(server.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  const ticket = page.getByRole('region', { name: 'Order ticket' });
  await expect(ticket.getByRole('combobox', { name: 'Ticket symbol' })).toHaveValue('BTC/USDT');
  const last = Number(await page.getByTestId('last-price').textContent({ timeout: 60_000 }));
  return { ticket, last };
}

/**
 * A buy limit meant to rest: 3 % under `last`. The market does not come down that far within a spec even when
 * a loaded machine stretches it to minutes (Kestrel Sim moves about 0.1 % a sim minute), and it stays inside
 * the account's 5 % price band with room for the page's last price to trail the host's. A limit 0.5–1 % away
 * became marketable under load; 20 % away would be refused by the band.
 */
export function restingBuyPrice(last: number): string {
  return (Math.floor(last * 0.97 * 100) / 100).toFixed(2);
}

/** The last price the page shows now (a price read minutes earlier may be far from the market). */
export async function lastPrice(page: Page): Promise<number> {
  return Number(await page.getByTestId('last-price').textContent());
}

/** Opens the strategy studio with a template loaded and validated (the SMA crossover unless named). */
export async function openStudio(page: Page, server: KestrelServer, template: RegExp = /SMA crossover/): Promise<Locator> {
  await page.goto(server.url);
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await page.getByRole('button', { name: 'Studio', exact: true }).click();
  const studio = page.getByTestId('panel-studio');
  await studio.getByRole('navigation', { name: 'Strategies' }).getByRole('button', { name: template }).click();
  await expect(studio.getByTestId('validation')).toContainText('Valid');
  return studio;
}
