/** Clocks. The simulated one is set by the kernel from the data; the wall clock is for live sessions. */
import type { Clock } from '../ports.ts';

export class SimClock implements Clock {
  t: number;
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
