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

/** A host with its own temporary data dir, connected through the in-memory transport. */
export async function startTestHost(opts: { env?: NodeJS.ProcessEnv } = {}): Promise<TestHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-test-'));
  const host = await createHost({ mode: 'memory', dataDir, ...(opts.env ? { env: opts.env } : {}) });
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
