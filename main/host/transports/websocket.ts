import type { WebSocket } from 'ws';
import { decodeFrame, decodeJsonText, encodeFrame, WireFormatError, type HostConnection } from '../../contract/index.ts';

/**
 * Wraps one accepted WebSocket as a host connection speaking binary frames (see contract/wire.ts); JSON
 * text frames are accepted too, under the same depth limit. `onError` hears protocol errors (bad UTF-8 in a
 * text frame, an oversized frame, a bad opcode): ws closes that socket itself, and without a listener
 * its 'error' event would be thrown and end the process.
 */
export function websocketConnection(ws: WebSocket, label: string, onError: (e: Error) => void = () => {}): HostConnection {
  ws.on('error', onError);
  return {
    label,
    send(msg) {
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame(msg), { binary: true });
    },
    sendFrame(frame) {
      if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    },
    onMessage(listener) {
      const h = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        let decoded: unknown;
        try {
          const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
          const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          decoded = isBinary ? decodeFrame(view) : decodeJsonText(view);
        } catch (e) {
          // Undecodable input still gets a typed reply: the envelope check downstream turns this into `validation`.
          decoded = { t: 'undecodable', id: e instanceof WireFormatError ? e.callId : null, reason: e instanceof Error ? e.message : 'undecodable' };
        }
        try {
          listener(decoded);
        } catch (e) {
          onError(e instanceof Error ? e : new Error(String(e)));
        }
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
