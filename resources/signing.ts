/**
 * What `npm run dist` will sign and notarise, decided from the environment alone (no secret is read
 * here, only whether it is set), so a release engineer sees it before electron-builder starts and a
 * release build (KESTREL_RELEASE=1) refuses to produce an unsigned package.
 *
 *   Windows  WIN_CSC_LINK + WIN_CSC_KEY_PASSWORD (or CSC_LINK + CSC_KEY_PASSWORD): a .pfx file path, https
 *            URL or base64 of the Authenticode certificate whose subject is the publisher in electron-builder.yml
 *   macOS    CSC_LINK + CSC_KEY_PASSWORD (a Developer ID Application .p12), or CSC_NAME naming an identity
 *            already in the keychain; notarisation: APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER
 *            (App Store Connect API key, recommended), or APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD +
 *            APPLE_TEAM_ID, or APPLE_KEYCHAIN + APPLE_KEYCHAIN_PROFILE
 *   Linux    AppImage and deb carry no code signature; updates are checked by the manifest's SHA-512
 */
export type Platform = 'linux' | 'mac' | 'win';

export interface SigningPlan {
  /** One line per platform and step, e.g. "macOS notarisation: skipped — set APPLE_API_KEY, ...". */
  readonly lines: string[];
  /** Extra environment for electron-builder (e.g. no keychain identity guessing for an unsigned build). */
  readonly env: Record<string, string>;
  /** Why a release build cannot go on (empty when it can). */
  readonly problems: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, ...names: string[]) => names.every((n) => (env[n] ?? '').trim() !== '');

export function signingPlan(env: Env, platforms: readonly Platform[], release: boolean): SigningPlan {
  const lines: string[] = [];
  const problems: string[] = [];
  const out: Record<string, string> = {};
  const skipped = (what: string, how: string) => {
    lines.push(`${what}: skipped — ${how}`);
    if (release) problems.push(`${what} is required for a release build (KESTREL_RELEASE=1): ${how}`);
  };
  for (const p of platforms) {
    if (p === 'linux') lines.push('Linux: AppImage and deb are not code-signed (the formats have no signature); updates are checked by SHA-512');
    if (p === 'win') {
      if (set(env, 'WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD') || set(env, 'CSC_LINK', 'CSC_KEY_PASSWORD')) lines.push(`Windows code signing: yes (${set(env, 'WIN_CSC_LINK') ? 'WIN_CSC_LINK' : 'CSC_LINK'})`);
      else skipped('Windows code signing', 'set WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD (Authenticode .pfx); unsigned installers cannot update themselves');
    }
    if (p === 'mac') {
      const signed = set(env, 'CSC_LINK', 'CSC_KEY_PASSWORD') || set(env, 'CSC_NAME');
      if (signed) lines.push(`macOS code signing: yes (${set(env, 'CSC_NAME') ? 'CSC_NAME' : 'CSC_LINK'})`);
      else {
        skipped('macOS code signing', 'set CSC_LINK and CSC_KEY_PASSWORD (Developer ID Application .p12) or CSC_NAME');
        // Without this electron-builder signs with whatever identity the keychain happens to hold.
        out.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
      }
      const notarise = set(env, 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER') || set(env, 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID') || set(env, 'APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE');
      if (notarise && signed) lines.push('macOS notarisation: yes');
      else if (notarise) skipped('macOS notarisation', 'notarisation needs a signed app; set the signing variables too');
      else skipped('macOS notarisation', 'set APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER (or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID)');
    }
  }
  return { lines, env: out, problems };
}
