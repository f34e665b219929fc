import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../../main/contract/index.ts';
import { describeError } from '../../../renderer/ipc/client.ts';
import { errorTitle } from '../../../renderer/ipc/describe.ts';

describe('error notices in words', () => {
  it('names what failed and why, never the channel or the code', () => {
    const n = describeError('indicators.series', new RemoteError('indicators.series', { code: 'validation', message: 'unknown indicator "rsx"', retryable: false }));
    expect(n.title).toBe('The indicator could not be added: invalid input');
    expect(n.title).not.toMatch(/indicators\.series|\(validation\)/);
    expect(n.message).toBe('unknown indicator "rsx"');
  });
  it('has a title for every family of commands the workstation calls', () => {
    for (const c of ['trading.submit', 'trading.amend', 'trading.cancelAll', 'market.candles', 'market.backfill.start', 'backtest.run', 'sweep.run', 'strategy.save', 'paper.strategy.start', 'risk.killSwitch', 'audit.export.html', 'settings.set']) expect(errorTitle(c)).not.toBe('The request failed');
    expect(errorTitle('something.new', 'timeout')).toBe('The request failed: it took too long');
  });
  it('keeps a plain error’s message', () => {
    expect(describeError('market.import', new Error('socket closed'))).toEqual({ level: 'error', title: 'The import did not complete', message: 'socket closed' });
  });
});
