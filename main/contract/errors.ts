import { z } from 'zod';

export const errorCodes = [
  'validation',
  'risk_rejected',
  'illegal_transition',
  'venue_network',
  'venue_rejected',
  'storage',
  'data_quality',
  'not_found',
  'conflict',
  'cancelled',
  'timeout',
  'strategy',
  'unknown_channel',
  'unauthorized',
  'internal',
] as const;

export const WireError = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  retryable: z.boolean(),
  details: z.record(z.unknown()).optional(),
});
export type WireError = z.infer<typeof WireError>;

/** What a client sees when a command fails: the host's typed error, rebuilt on this side of the wire. */
export class RemoteError extends Error {
  readonly code: WireError['code'];
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly channel: string;
  constructor(channel: string, e: WireError) {
    super(e.message);
    this.name = 'RemoteError';
    this.channel = channel;
    this.code = e.code;
    this.retryable = e.retryable;
    this.details = e.details;
  }
}
