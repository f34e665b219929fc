import { z } from 'zod';

/**
 * The desktop app's self-update switch, one part of the settings document (Settings → Updates). Off by
 * default: a trading workstation changes only when its user says so. `beta` follows pre-releases
 * (x.y.z-beta.n); going back to `stable` waits for the next stable release newer than the installed beta,
 * because downgrades are refused (an old, signed build is still an old build).
 */
export const UpdateSettings = z
  .object({
    enabled: z.boolean().default(false),
    channel: z.enum(['stable', 'beta']).default('stable'),
  })
  .strict();
export type UpdateSettings = z.infer<typeof UpdateSettings>;

export const defaultUpdateSettings: UpdateSettings = UpdateSettings.parse({});
