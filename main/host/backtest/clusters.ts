/**
 * Sweep clusters: named queues (settings `clusters`) whose workers can run a sweep instead of this
 * machine's pool. The password is a reference into the secret store, resolved only when connecting; the
 * renderer sees names, hosts and workers, never a password or a URL carrying one.
 */
import { NotFoundError } from '../../core/errors.ts';
import { queueStatus, type QueueTarget } from '../../../workers/queue/client.ts';
import { describe } from '../../../workers/queue/bullmq.ts';
import type { ClusterSettings } from '../../contract/settings.ts';


export interface ClusterView {
  readonly id: string;
  readonly name: string;
  readonly where: string;
  readonly engine: string;
  readonly workers: { id: string; host: string; version: string; engine: string; slots: number; compatible: boolean }[];
  readonly error: string | null;
}

export class SweepClusters {
  private readonly settings: () => readonly ClusterSettings[];
  private readonly secret: (ref: string) => string | undefined;

  constructor(settings: () => readonly ClusterSettings[], secret: (ref: string) => string | undefined) {
    this.settings = settings;
    this.secret = secret;
  }

  target(id: string): QueueTarget {
    const c = this.settings().find((x) => x.id === id);
    if (!c) throw new NotFoundError('sweep cluster', id);
    const password = c.password ? this.secret(c.password) : undefined;
    return { url: c.url, ...(password ? { password } : {}) };
  }

  async list(): Promise<ClusterView[]> {
    return Promise.all(
      this.settings().map(async (c): Promise<ClusterView> => {
        let where = c.url;
        try {
          where = describe({ url: c.url });
          const st = await queueStatus(this.target(c.id));
          return { id: c.id, name: c.name, where: st.where, engine: st.engine.slice(0, 12), workers: st.workers.map((w) => ({ id: w.id, host: w.host, version: w.version, engine: w.engine.slice(0, 12), slots: w.slots, compatible: w.compatible })), error: null };
        } catch (e) {
          return { id: c.id, name: c.name, where, engine: '', workers: [], error: (e as Error).message };
        }
      }),
    );
  }
}
