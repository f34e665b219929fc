/**
 * `KESTREL_FEED_SPEED=N` (N > 1): the paper session's clock runs N times faster than the wall clock, from
 * the moment the host starts. The demo feed prints on that clock, so 1m candles close every 60/N seconds:
 * what lets a test (or a quick demo) watch a strategy decide on closed bars without waiting minutes. Unset or
 * 1: the wall clock (no injected clock at all).
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env, wall: () => number = Date.now): { now?: () => number } {
  return speedClock(Number(env.KESTREL_FEED_SPEED), wall);
}

/** A clock running `speed` times the wall clock from now; none for a speed of 1 or less (or not a number). */
export function speedClock(speed: number, wall: () => number = Date.now): { now?: () => number } {
  if (!Number.isFinite(speed) || speed <= 1) return {};
  const origin = wall();
  return { now: () => origin + Math.floor((wall() - origin) * speed) };
}
