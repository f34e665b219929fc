import { describe, expect, it } from 'vitest';
import { targetPlatforms } from '../../../resources/dist.ts';
import { signingPlan } from '../../../resources/signing.ts';

describe('the signing plan of npm run dist', () => {
  it('says clearly what is skipped and why when no signing material is set, and builds unsigned', () => {
    const plan = signingPlan({}, ['linux', 'win', 'mac'], false);
    expect(plan.problems).toEqual([]);
    expect(plan.lines).toEqual([
      expect.stringMatching(/^Linux: .*not code-signed/),
      expect.stringMatching(/^Windows code signing: skipped — set WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD/),
      expect.stringMatching(/^macOS code signing: skipped — set CSC_LINK and CSC_KEY_PASSWORD/),
      expect.stringMatching(/^macOS notarisation: skipped — set APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER/),
    ]);
    // No guessing a keychain identity for a build meant to be unsigned.
    expect(plan.env).toEqual({ CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
  });

  it('signs and notarises from the environment, counting an empty variable as unset', () => {
    const env = { CSC_LINK: '/secure/dev-id.p12', CSC_KEY_PASSWORD: 'x', APPLE_API_KEY: '/secure/key.p8', APPLE_API_KEY_ID: 'ABC', APPLE_API_ISSUER: 'uuid', WIN_CSC_LINK: ' ', WIN_CSC_KEY_PASSWORD: 'y' };
    const plan = signingPlan(env, ['mac', 'win'], false);
    expect(plan.lines).toEqual(['macOS code signing: yes (CSC_LINK)', 'macOS notarisation: yes', 'Windows code signing: yes (CSC_LINK)']);
    expect(plan.env).toEqual({});
    expect(signingPlan({ ...env, CSC_LINK: '' }, ['win'], false).lines[0]).toMatch(/skipped/);
    expect(signingPlan({ APPLE_ID: 'a@b', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 't' }, ['mac'], false).lines[1]).toMatch(/notarisation: skipped — notarisation needs a signed app/);
  });

  it('refuses a release build (KESTREL_RELEASE=1) that would ship unsigned', () => {
    expect(signingPlan({}, ['win'], true).problems).toEqual([expect.stringMatching(/Windows code signing is required for a release build/)]);
    expect(signingPlan({ CSC_NAME: 'Developer ID Application: Kestrel' }, ['mac'], true).problems).toEqual([expect.stringMatching(/macOS notarisation is required/)]);
    expect(signingPlan({}, ['linux'], true).problems).toEqual([]);
  });

  it('targets the platforms named on the command line, else the host', () => {
    expect(targetPlatforms(['--linux', '--win', '--x64'])).toEqual(['linux', 'win']);
    expect(targetPlatforms(['-m'])).toEqual(['mac']);
    expect(targetPlatforms([], 'darwin')).toEqual(['mac']);
    expect(targetPlatforms(['--dir'], 'linux')).toEqual(['linux']);
  });
});
