/** Clocks. The simulated one is set by the kernel from the data; the wall clock is for live sessions. */
import type { Clock } from '../ports.ts';

export class SimClock implements Clock {
  // Initialised with a double: a field declared without initialiser starts as `undefined`, becomes a tagged
  // field, and then every write of a timestamp would allocate a heap number (twice per candle).
  t = 0.5;
  constructor(t = 0) {
    this.t = t;
  }
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
}

export class WallClock implements Clock {
  now(): number {
    return Date.now();
  }
}
