/**
 * The load test's sender, in its own thread: requests leave on schedule whatever the host's event loop is
 * doing (sender and host in one thread would slow each other and measure neither).
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

interface Job {
  readonly url: string;
  readonly secret: string;
  readonly rate: number;
  readonly total: number;
}
export interface Sent {
  readonly status: number;
  readonly ids: string[];
  readonly ms: number;
}

const job = workerData as Job;
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function send(i: number): Promise<Sent> {
  const body = JSON.stringify({ ts: Date.now(), id: `load-${process.pid}-${i}`, action: 'order', symbol: i % 3 ? 'BTC/USDT' : 'ETH/USDT', side: i % 2 ? 'sell' : 'buy', type: 'market', qty: '0.001' });
  const sig = `sha256=${createHmac('sha256', job.secret).update(body).digest('hex')}`;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(`${job.url}/hooks/tv`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-kestrel-signature': sig } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let ids: string[] = [];
        try {
          ids = ((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { orders?: { clientOrderId: string }[] }).orders ?? []).map((o) => o.clientOrderId);
        } catch {
          // a reply that is not JSON counts by its status alone
        }
        resolve({ status: res.statusCode ?? 0, ids, ms: performance.now() - t0 });
      });
    });
    // A connection error is status 0: the test fails on it (the host must keep serving).
    req.on('error', () => resolve({ status: 0, ids: [], ms: performance.now() - t0 }));
    req.end(body);
  });
}

const replies: Promise<Sent>[] = [];
const start = performance.now();
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(job.total, Math.floor(((performance.now() - start) / 1000) * job.rate));
    while (replies.length < due) replies.push(send(replies.length));
    if (replies.length >= job.total) {
      clearInterval(timer);
      resolve();
    }
  }, 5);
});
const sentIn = (performance.now() - start) / 1000;
parentPort!.postMessage({ sentIn, results: await Promise.all(replies) });
agent.destroy();
