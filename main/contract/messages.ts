import { z } from 'zod';
import { WireError } from './errors.ts';

/**
 * The envelope every transport carries. Transports move these objects; they never look inside payloads.
 * Call ids are chosen by the client and echoed by the host.
 */
export const ClientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), ch: z.string().max(128), p: z.unknown() }).strict(),
  z.object({ t: z.literal('cancel'), id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type HostMessage =
  | { t: 'res'; id: number | null; ok: true; v: unknown }
  | { t: 'res'; id: number | null; ok: false; e: WireError }
  | { t: 'evt'; ch: string; p: unknown };

export const HostMessage: z.ZodType<HostMessage> = z.union([
  z.object({ t: z.literal('res'), id: z.number().int().nullable(), ok: z.literal(true), v: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.number().int().nullable(), ok: z.literal(false), e: WireError }),
  z.object({ t: z.literal('evt'), ch: z.string(), p: z.unknown() }),
]) as z.ZodType<HostMessage>;

/** One end of a transport, as seen by the client. */
export interface ClientPort {
  send(msg: ClientMessage): void;
  onMessage(listener: (msg: unknown) => void): () => void;
  close?(): void;
}

/** One connected client, as seen by the host. */
export interface HostConnection {
  readonly label: string;
  send(msg: HostMessage): void;
  /**
   * Transports that send binary frames (contract/wire.ts) take an event already encoded: the server
   * encodes a broadcast once for all of them instead of once per client.
   */
  sendFrame?(frame: Uint8Array): void;
  onMessage(listener: (msg: unknown) => void): () => void;
  onClose(listener: () => void): () => void;
}
