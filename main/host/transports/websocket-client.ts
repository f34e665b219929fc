import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type ClientPort } from '../../contract/index.ts';

/** A Node-side client port over the headless WebSocket (CLI, tests). The browser has its own in renderer/ipc. */
export async function connectWebSocket(url: string): Promise<ClientPort & { raw: WebSocket }> {
  const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
  ws.binaryType = 'nodebuffer';
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`websocket refused: HTTP ${res.statusCode}`)));
  });
  return {
    raw: ws,
    send: (m) => ws.send(encodeFrame(m), { binary: true }),
    onMessage: (l) => {
      const h = (data: Buffer) => l(decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
      ws.on('message', h);
      return () => ws.off('message', h);
    },
    close: () => ws.close(),
  };
}
