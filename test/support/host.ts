import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type KestrelClient } from '../../main/contract/index.ts';
import { createHost, type Host } from '../../main/host/host.ts';
import { connectInMemory } from '../../main/host/transports/memory.ts';

export interface TestHost {
  host: Host;
  client: KestrelClient;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A host with its own temporary data dir, connected through the in-memory transport. Its paper sessions run
 * on the synthetic demo feed (deterministic, tunable by KESTREL_FEED_*) unless the environment says
 * KESTREL_PAPER_PRICES=venue: the session logic is tested on it; paper on Kestrel Sim's live prints (what the
 * app runs) is tested in test/integration/trading/venue-prices.test.ts and the e2e journeys.
 */
export async function startTestHost(opts: { env?: NodeJS.ProcessEnv } = {}): Promise<TestHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-test-'));
  const base = opts.env ?? process.env;
  const host = await createHost({ mode: 'memory', dataDir, env: { ...base, KESTREL_PAPER_PRICES: base.KESTREL_PAPER_PRICES ?? 'demo' } });
  const client = createClient(connectInMemory(host.server));
  return {
    host,
    client,
    dataDir,
    async close() {
      client.close();
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits for the next message on a raw port that satisfies `pred`. */
export function nextMessage(port: { onMessage(l: (m: unknown) => void): () => void }, pred: (m: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error('no matching message'))), timeoutMs);
    const off = port.onMessage((m) => {
      if (m && typeof m === 'object' && pred(m as Record<string, unknown>)) {
        clearTimeout(timer);
        off();
        resolve(m as Record<string, unknown>);
      }
    });
  });
}
