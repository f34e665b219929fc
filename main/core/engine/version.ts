/**
 * The engine's fingerprint, recorded in every recorded backtest's `session-start` (config.engine) and in
 * every re-run, so a re-run that diverges says whether the engine changed since the recording.
 *
 * A version string bumped on purpose, not a hash of source files: a hash moves with every comment,
 * refactor or build layout and would cry "engine changed" for edits that move no result, and a run from
 * sources has no build step to compute it in. What the fingerprint must track is whether the same data and
 * strategy give the same results, which is what the golden backtests pin: test/unit/core/engine-version.test.ts
 * fails when a golden determinism hash changes while ENGINE_VERSION stays the same. Bump it (and add its
 * row there) with every change that moves a result: kernel ordering, fills, fees, slippage, risk, rounding.
 */
export const ENGINE_VERSION = 'kestrel-engine 1';

/** What a re-run says about the two engines. */
export interface EngineFingerprints {
  /** The recording's engine; null when it was recorded before engine fingerprints. */
  readonly recorded: string | null;
  readonly rerun: string | null;
}

/** One sentence for a re-run report: undefined when both ran the same engine. */
export function engineNote(e: EngineFingerprints): string | undefined {
  if (e.recorded === null) return `recorded before engine fingerprints; re-run with engine ${e.rerun ?? 'unknown'}`;
  if (e.recorded !== e.rerun) return `recorded with engine ${e.recorded}, re-run with engine ${e.rerun ?? 'unknown'}`;
  return undefined;
}
