import { expect } from 'vitest';
import { VenueRejectedError } from '../../main/core/errors.ts';

/** Runs `fn`, expects it to be refused as the venue would, and returns the venue's error code (Binance's -4028, …). */
export function venueCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VenueRejectedError);
    return (e as VenueRejectedError).details?.venueCode;
  }
  throw new Error('not refused');
}
