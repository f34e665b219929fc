/**
 * Certificates that arrive while the backtest runs. Certifying 1M candles (content hash, gaps, outliers)
 * costs about as much as a third of the run; the result needs the certificates only when it is assembled,
 * so the main thread certifies while the worker simulates (two cores busy instead of one after the other).
 *
 * The worker's run is one synchronous call, so the hand-off is synchronous too: the main thread posts the
 * certificates on a port and raises a shared flag; the worker waits on the flag (Atomics.wait) and reads
 * the port with receiveMessageOnPort. Structured clone keeps every value exactly (the certificates are
 * part of the determinism hash). A hand-off that never comes (or says it failed) is not fatal: the worker
 * certifies the candles itself, as it did before.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { DatasetCertificate } from '../../main/core/backtest/result.ts';

/** The worker's end: travels in the task input (the port in the transfer list). */
export interface CertificateHandoff {
  /** Shared: [0] becomes 1 once the port holds the certificates (or 2 when certifying failed). */
  readonly ready: Int32Array;
  readonly port: MessagePort;
}

const PENDING = 0;
const SENT = 1;
const FAILED = 2;

/** How long a worker waits for the main thread before certifying on its own. */
export const HANDOFF_WAIT_MS = 30_000;

/** The main thread's end: `send` once; if `make` throws, the worker is told to certify on its own. */
export function certificateHandoff(): { handoff: CertificateHandoff; transfer: MessagePort; send(make: () => readonly DatasetCertificate[]): void } {
  const channel = new MessageChannel();
  const ready = new Int32Array(new SharedArrayBuffer(4));
  let sent = false;
  return {
    handoff: { ready, port: channel.port2 },
    transfer: channel.port2,
    send(make) {
      if (sent) return;
      sent = true;
      let state = FAILED;
      try {
        channel.port1.postMessage(make());
        state = SENT;
      } catch {
        // The worker certifies on its own, and meets (and reports) the same failure itself.
      } finally {
        // postMessage has queued the message at the worker's port before the flag is raised.
        Atomics.store(ready, 0, state);
        Atomics.notify(ready, 0);
        channel.port1.close();
      }
    },
  };
}

/** Worker side: the certificates the main thread sent, or undefined (failed, or none within `waitMs`). */
export function receiveCertificates(h: CertificateHandoff, waitMs = HANDOFF_WAIT_MS): readonly DatasetCertificate[] | undefined {
  try {
    if (Atomics.load(h.ready, 0) === PENDING) Atomics.wait(h.ready, 0, PENDING, waitMs);
    if (Atomics.load(h.ready, 0) !== SENT) return undefined;
    return receiveMessageOnPort(h.port)?.message as readonly DatasetCertificate[] | undefined;
  } finally {
    h.port.close();
  }
}
