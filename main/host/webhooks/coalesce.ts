/**
 * Webhook orders that arrive together are submitted together: every ticket queued for an account during one
 * turn of the event loop goes to the session as one command (TradingSession.submitEach: one catch-up, one
 * ledger commit), each still gated, placed and audited on its own. Under a burst this turns one fsync per
 * order into one per batch; a lone request waits one setImmediate.
 */
import type { OrderView, TicketRequest } from '../../contract/trading.ts';

/** Submits tickets on an account in one command; one result per ticket, in order. */
export type SubmitEach = (account: string, tickets: readonly TicketRequest[]) => Promise<(OrderView[] | Error)[]>;

interface Pending {
  readonly ticket: TicketRequest;
  readonly resolve: (v: OrderView[]) => void;
  readonly reject: (e: unknown) => void;
}

const MAX_BATCH = 500;

export class SubmitCoalescer {
  private readonly queues = new Map<string, Pending[]>();
  private readonly each: SubmitEach;

  constructor(each: SubmitEach) {
    this.each = each;
  }

  submit(account: string, ticket: TicketRequest): Promise<OrderView[]> {
    return new Promise((resolve, reject) => {
      let q = this.queues.get(account);
      if (!q) {
        q = [];
        this.queues.set(account, q);
        setImmediate(() => void this.flush(account));
      }
      q.push({ ticket, resolve, reject });
    });
  }

  private async flush(account: string): Promise<void> {
    const q = this.queues.get(account) ?? [];
    this.queues.delete(account);
    for (let i = 0; i < q.length; i += MAX_BATCH) {
      const part = q.slice(i, i + MAX_BATCH);
      try {
        const results = await this.each(account, part.map((p) => p.ticket));
        part.forEach((p, k) => {
          const r = results[k];
          if (r === undefined) p.reject(new Error('no result for a queued ticket'));
          else if (r instanceof Error) p.reject(r);
          else p.resolve(r);
        });
      } catch (e) {
        for (const p of part) p.reject(e);
      }
    }
  }
}
