import { describe, expect, it } from 'vitest';
import { SettingsDocument } from '../../../main/contract/settings.ts';
import { resolveHostSettings } from '../../../main/host/settings/host-settings.ts';
import { speedClock } from '../../../main/host/trading/feed-speed.ts';

const fromEnv = (env: NodeJS.ProcessEnv, wall?: () => number) => speedClock(resolveHostSettings(SettingsDocument.parse({ version: 1 }), 'memory', env).paper.speed, wall);

describe('KESTREL_FEED_SPEED (paper.speed)', () => {
  it('runs the session clock N times faster than the wall clock from the moment it is made', () => {
    let wall = 1_000_000;
    const { now } = fromEnv({ KESTREL_FEED_SPEED: '60' }, () => wall);
    expect(now!()).toBe(1_000_000);
    wall += 1_000;
    expect(now!()).toBe(1_060_000); // one wall second = one simulated minute
    wall += 250;
    expect(now!()).toBe(1_075_000);
  });

  it('injects no clock when unset, not a number, or not faster than real time', () => {
    for (const v of [undefined, '', 'fast', '1', '0.5', '-3', 'Infinity']) expect(fromEnv(v === undefined ? {} : { KESTREL_FEED_SPEED: v }).now).toBeUndefined();
  });
});
