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

/**
 * Two ends of one hand-off: `receiver` for the thread that runs the backtest, `sender` for the one that
 * certifies (each end's port goes in a transfer list when it crosses threads).
 */
export function handoffPair(): { receiver: CertificateHandoff; sender: CertificateHandoff } {
  const channel = new MessageChannel();
  const ready = new Int32Array(new SharedArrayBuffer(4));
  return { receiver: { ready, port: channel.port2 }, sender: { ready, port: channel.port1 } };
}

/** Sends once, on the sender's end; if `make` throws, the receiver is told to certify on its own. */
export function sendCertificates(to: CertificateHandoff, make: () => readonly DatasetCertificate[]): void {
  let state = FAILED;
  try {
    to.port.postMessage(make());
    state = SENT;
  } catch {
    // The receiver certifies on its own, and meets (and reports) the same failure itself.
  } finally {
    // postMessage has queued the message at the receiver's port before the flag is raised.
    Atomics.store(to.ready, 0, state);
    Atomics.notify(to.ready, 0);
    to.port.close();
  }
}

/** The main thread's end: `send` once; if `make` throws, the worker is told to certify on its own. */
export function certificateHandoff(): { handoff: CertificateHandoff; transfer: MessagePort; send(make: () => readonly DatasetCertificate[]): void } {
  const { receiver, sender } = handoffPair();
  let sent = false;
  return {
    handoff: receiver,
    transfer: receiver.port,
    send(make) {
      if (sent) return;
      sent = true;
      sendCertificates(sender, make);
    },
  };
}

/** The sender is gone without sending (its thread died): a receiver waiting or about to wait stops at once. */
export function abandonHandoff(h: CertificateHandoff): void {
  if (Atomics.compareExchange(h.ready, 0, PENDING, FAILED) === PENDING) Atomics.notify(h.ready, 0);
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
