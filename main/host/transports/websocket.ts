import type { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, WireFormatError, type HostConnection } from '../../contract/index.ts';

/** Wraps one accepted WebSocket as a host connection speaking binary frames (see contract/wire.ts). */
export function websocketConnection(ws: WebSocket, label: string): HostConnection {
  return {
    label,
    send(msg) {
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame(msg), { binary: true });
    },
    onMessage(listener) {
      const h = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        let decoded: unknown;
        try {
          decoded = isBinary ? decodeFrame(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) : JSON.parse(bytes.toString('utf8'));
        } catch (e) {
          // Undecodable input still gets a typed reply: the envelope check downstream turns this into `validation`.
          decoded = { t: 'undecodable', id: e instanceof WireFormatError ? e.callId : null, reason: (e as Error).message };
        }
        listener(decoded);
      };
      ws.on('message', h);
      return () => ws.off('message', h);
    },
    onClose(listener) {
      ws.on('close', listener);
      return () => ws.off('close', listener);
    },
  };
}
