/**
 * Paper settings and "run in paper" act on the account the caller shows, as the Trade workspace's ticket and
 * Risk panel do. While a market replay is shown, the renderer names the replay's account: a strategy run
 * used to start in the selected account's session behind it, out of sight. The host refuses it now (and a run
 * named for another account than the selected), as it already refused paper settings for a replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError } from '../../../main/contract/index.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const sma = JSON.stringify(TEMPLATES.find((x) => x.id === 'sma-crossover')!.doc);
const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as RemoteError);

describe('paper commands name the account shown', () => {
  it('run in paper is refused for a market replay\'s account and for an account not selected', async () => {
    const saved = await t.client.call('strategy.save', { name: 'scoped sma', kind: 'rules', source: sma });
    const start = { strategyId: saved.id, symbol: 'BTC/USDT', timeframe: '1m' as const };
    const onReplay = await refusal(t.client.call('paper.strategy.start', { ...start, account: 'replay:abc123' }));
    expect(onReplay).toBeInstanceOf(RemoteError);
    expect(onReplay!.code).toBe('validation');
    expect(onReplay!.message).toMatch(/never in a market replay/);
    const other = await refusal(t.client.call('paper.strategy.start', { ...start, account: 'not-selected' }));
    expect(other?.code).toBe('validation');
    expect(other!.message).toMatch(/selected account's session/);
    expect((await t.client.call('paper.strategy.list', {})).strategies).toEqual([]);
  });

  it('the selected account named (or none) runs it there', async () => {
    const { selected } = await t.client.call('accounts.list', {});
    const saved = await t.client.call('strategy.save', { name: 'scoped sma 2', kind: 'rules', source: sma });
    const run = await t.client.call('paper.strategy.start', { strategyId: saved.id, symbol: 'BTC/USDT', timeframe: '1m', account: selected });
    expect(run.state).toBe('running');
    await t.client.call('paper.strategy.stop', { runId: run.runId });
  });

  it('paper settings for a market replay\'s account are refused, never the selected account\'s changed', async () => {
    const before = await t.client.call('paper.settings', {});
    const err = await refusal(t.client.call('paper.setSettings', { startingBalance: '12345', account: 'replay:abc123' }));
    expect(err?.code).toBe('validation');
    expect(await t.client.call('paper.settings', {})).toEqual(before);
  });
});
