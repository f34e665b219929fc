/**
 * The paper session's clock running N times faster than the wall clock (settings `paper.speed`, override
 * KESTREL_FEED_SPEED), from the moment the host starts. The demo feed prints on that clock, so 1m candles
 * close every 60/N seconds: what lets a test (or a quick demo) watch a strategy decide on closed bars
 * without waiting minutes. A speed of 1: the wall clock (no injected clock at all).
 */
export function speedClock(speed: number, wall: () => number = Date.now): { now?: () => number } {
  if (!Number.isFinite(speed) || speed <= 1) return {};
  const origin = wall();
  return { now: () => origin + Math.floor((wall() - origin) * speed) };
}
