/** The certificate hand-off between the main thread and a backtest worker (late-certificates.ts). */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { certificateHandoff, receiveCertificates } from '../../../workers/backtest/late-certificates.ts';
import type { DatasetCertificate } from '../../../main/core/backtest/result.ts';

const cert: DatasetCertificate = {
  symbol: 'ABC-USD', timeframe: '1m', contentHash: 'ab'.repeat(32), count: 3, first: 0, last: 120_000, expected: 3, coverage: 1 / 3,
  gaps: { count: 0, missing: 0, list: [] }, outliers: 0, synthetic: 0, ok: true, source: 'test',
};

describe('late certificates', () => {
  it('a worker blocked in its run receives exactly what the main thread sent after the task started', async () => {
    const late = certificateHandoff();
    // The worker waits synchronously (as a backtest's assembly does) and answers with what it received.
    const w = new Worker(`
      const { workerData, parentPort, receiveMessageOnPort } = require('node:worker_threads');
      const h = workerData;
      parentPort.postMessage('waiting');
      Atomics.wait(h.ready, 0, 0, 20000);
      parentPort.postMessage(Atomics.load(h.ready, 0) === 1 ? receiveMessageOnPort(h.port).message : null);
    `, { eval: true, workerData: late.handoff, transferList: [late.transfer] });
    const answers: unknown[] = [];
    const done = new Promise<void>((resolve) => w.on('message', (m) => {
      answers.push(m);
      if (m === 'waiting') late.send(() => [cert]);
      else resolve();
    }));
    await done;
    await w.terminate();
    expect(answers[1]).toEqual([cert]);
    expect(Object.is((answers[1] as DatasetCertificate[])[0]!.coverage, 1 / 3)).toBe(true);
  });

  it('in-thread: sent once, later sends ignored; a failure or no answer leaves the worker to certify itself', () => {
    const a = certificateHandoff();
    a.send(() => [cert]);
    a.send(() => []);
    expect(receiveCertificates(a.handoff, 0)).toEqual([cert]);

    const b = certificateHandoff();
    b.send(() => {
      throw new Error('certify failed');
    });
    expect(receiveCertificates(b.handoff, 0)).toBeUndefined();

    const c = certificateHandoff();
    expect(receiveCertificates(c.handoff, 10)).toBeUndefined();
  });
});
