/** A token bucket: `ratePerSec` sustained, `burst` at once. Checked before anything else of a request is read. */
export class TokenBucket {
  private readonly ratePerSec: number;
  private readonly burst: number;
  private tokens: number;
  private last: number;

  constructor(ratePerSec: number, burst: number, now: number) {
    this.ratePerSec = ratePerSec;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
