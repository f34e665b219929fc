/** Guide levels drawn in an oscillator's pane (the conventional overbought/oversold lines). */
const LEVELS: Record<string, readonly number[]> = {
  rsi: [30, 70],
  stoch: [20, 80],
  stochrsi: [20, 80],
  mfi: [20, 80],
  cci: [-100, 100],
  willr: [-80, -20],
};

export function levelsFor(name: string): readonly number[] {
  return LEVELS[name] ?? [];
}
