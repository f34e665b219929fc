import type { WindowSeed } from '../../main/core/risk/seed.ts';

/** Interval closes per symbol (equal lengths, positive): the window is their returns. */
export interface RiskWindowInput {
  readonly closes: Float64Array[];
}

export type RiskWindowOutput = WindowSeed;
