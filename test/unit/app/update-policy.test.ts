import { describe, expect, it } from 'vitest';
import { UpdateSettings, defaultUpdateSettings } from '../../../main/contract/updates.ts';
import { updatePlan } from '../../../main/app/update-policy.ts';

describe('the update policy', () => {
  it('is off by default, and off in a development run even when switched on', () => {
    expect(defaultUpdateSettings).toEqual({ enabled: false, channel: 'stable' });
    expect(updatePlan(defaultUpdateSettings, { packaged: true })).toMatchObject({ enabled: false, reason: expect.stringContaining('Settings') });
    expect(updatePlan({ enabled: true, channel: 'stable' }, { packaged: false })).toMatchObject({ enabled: false, reason: expect.stringContaining('not a packaged build') });
  });

  it('maps stable to the latest manifest and beta to pre-releases, never downgrading, never downloading unasked', () => {
    expect(updatePlan({ enabled: true, channel: 'stable' }, { packaged: true })).toMatchObject({ enabled: true, channel: 'latest', allowPrerelease: false, allowDowngrade: false, autoDownload: false, disableWebInstaller: true });
    expect(updatePlan({ enabled: true, channel: 'beta' }, { packaged: true })).toMatchObject({ enabled: true, channel: 'beta', allowPrerelease: true, allowDowngrade: false, autoDownload: false });
  });

  it('validates the settings part strictly', () => {
    expect(UpdateSettings.safeParse({ enabled: true, channel: 'nightly' }).success).toBe(false);
    expect(UpdateSettings.safeParse({ enabled: 'yes' }).success).toBe(false);
    expect(UpdateSettings.safeParse({ enabled: true, feedUrl: 'http://evil' }).success).toBe(false);
    expect(UpdateSettings.parse({ enabled: true })).toEqual({ enabled: true, channel: 'stable' });
  });

});
