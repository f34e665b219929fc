/**
 * Crash test: a child process writes orders, fills, audit entries and candles and is SIGKILLed at random
 * moments. After every kill the databases must pass integrity_check, hold every commit the child
 * acknowledged, contain no duplicate, keep positions equal to their rebuild from fills, and the audit
 * chain must verify. 200 cycles by default; KESTREL_CRASH_CYCLES=1000 for the long run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_HEAD, type ChainHead } from '../../../main/core/audit/chain.ts';
import { openStores } from '../../../main/storage/index.ts';
import { tempDir } from '../../unit/storage/helpers.ts';

const CYCLES = Number(process.env.KESTREL_CRASH_CYCLES ?? 200);
const CHILD = join(import.meta.dirname, 'crash-child.ts');

interface Acks {
  orders: Set<string>;
  fills: Set<string>;
  candles: Set<number>;
  audit: Map<number, string>;
  ready: boolean;
}

interface Child {
  /**
   * Lets the child open the databases, then SIGKILLs it `jitterMs` after it has acknowledged `lines`
   * commits (or `preReadyMs` after go, to hit opening and migration). Counting acknowledgements instead of
   * wall time keeps the work per cycle the same on a fast idle machine and a loaded CI runner; the
   * jitter puts the kill anywhere in the commit that follows.
   */
  go(lines: number, jitterMs: number, preReadyMs: number | null): Promise<Acks>;
  /** Kills a child that was never told to go. */
  discard(): Promise<unknown>;
}

/** Spawns a child that loads its modules and then waits for `go`, so loading overlaps the parent's checks. */
function spawnChild(dir: string, seed: number, cacheDir: string): Child {
  const acks: Acks = { orders: new Set(), fills: new Set(), candles: new Set(), audit: new Map(), ready: false };
  const child = spawn(process.execPath, [CHILD, dir, String(seed)], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_COMPILE_CACHE: cacheDir } });
  let onLine = (_n: number) => {};
  let count = 0;
  let buf = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [tag, a, b] = buf.slice(0, nl).split(' ');
      buf = buf.slice(nl + 1);
      if (tag === 'ready') acks.ready = true;
      else if (tag === 'order') acks.orders.add(a!);
      else if (tag === 'fill') acks.fills.add(a!);
      else if (tag === 'candle') acks.candles.add(Number(a));
      else if (tag === 'audit') acks.audit.set(Number(a), b!);
      onLine(tag === 'ready' ? 0 : ++count);
    }
  });
  child.stderr.on('data', (d) => (err += String(d)));
  const exited = new Promise<Acks>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`crash child ended by itself (code ${code}): ${err}`));
      else resolve(acks);
    });
  });
  return {
    go(lines, jitterMs, preReadyMs) {
      const kill = () => child.kill('SIGKILL');
      if (preReadyMs !== null) setTimeout(kill, preReadyMs);
      else {
        let armed = false;
        onLine = (n) => {
          if (n >= lines && !armed) {
            armed = true;
            setTimeout(kill, jitterMs);
          }
        };
      }
      child.stdin.end('go\n');
      return exited;
    },
    discard() {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

describe('crash recovery', () => {
  it(`survives ${CYCLES} SIGKILLs at random moments with nothing acknowledged lost and nothing duplicated`, async () => {
    const dir = tempDir();
    let rnd = 12345;
    const rand = () => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const allOrders = new Set<string>();
    const allFills = new Set<string>();
    const allCandles = new Set<number>();
    const allAudit = new Map<number, string>();
    let verified: ChainHead = EMPTY_HEAD;
    let killedMidOpen = 0;
    const cache = tempDir();
    // Two children load ahead (module loading dominates a cycle; 2 cores can overlap it with our checks).
    const queue = [spawnChild(dir, 1, cache), spawnChild(dir, 2, cache)];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const preReady = rand() < 0.1 ? rand() * 15 : null;
      const acks = await queue.shift()!.go(Math.floor(rand() * 40), rand() * 4, preReady);
      queue.push(spawnChild(dir, cycle + 3, cache));
      if (!acks.ready) killedMidOpen++;
      acks.orders.forEach((o) => allOrders.add(o));
      acks.fills.forEach((f) => allFills.add(f));
      acks.candles.forEach((c) => allCandles.add(c));
      acks.audit.forEach((h, seq) => allAudit.set(seq, h));

      const s = openStores(dir);
      try {
        const ctx = `after cycle ${cycle}`;
        expect(s.integrityCheck(), ctx).toEqual({ market: ['ok'], ledger: ['ok'] });
        const db = s.ledger.db;
        // every acknowledged commit is present
        const orders = new Set((db.prepare(`SELECT client_order_id AS id FROM orders`).all() as { id: string }[]).map((r) => r.id));
        for (const o of allOrders) expect(orders.has(o), `${ctx}: order ${o}`).toBe(true);
        const fills = new Set((db.prepare(`SELECT trade_id AS id FROM fills`).all() as { id: string }[]).map((r) => r.id));
        for (const f of allFills) expect(fills.has(f), `${ctx}: fill ${f}`).toBe(true);
        const stored = new Map((db.prepare(`SELECT seq, hash FROM audit_log`).all() as { seq: number; hash: string }[]).map((r) => [r.seq, r.hash]));
        for (const [seq, h] of allAudit) expect(stored.get(seq), `${ctx}: audit ${seq}`).toBe(h);
        const candles = new Set(s.market.candles.range({ source: 'crash', symbol: 'BTC/USDT', timeframe: '1m' }).ts);
        for (const k of allCandles) expect(candles.has(k * 60_000), `${ctx}: candle ${k}`).toBe(true);
        // nothing duplicated: one 'order' entry per stored order, one 'fill' entry per stored fill, none for others
        const perOrder = db.prepare(`SELECT json_extract(body, '$.data.id') AS id, count(*) AS n FROM audit_log WHERE kind = 'order' GROUP BY id`).all() as { id: string; n: number }[];
        expect(perOrder.length, ctx).toBe(orders.size);
        for (const r of perOrder) expect(r.n === 1 && orders.has(r.id), `${ctx}: order audit ${r.id} x${r.n}`).toBe(true);
        const perFill = db.prepare(`SELECT json_extract(body, '$.data.tradeId') AS id, count(*) AS n FROM audit_log WHERE kind = 'fill' GROUP BY id`).all() as { id: string; n: number }[];
        expect(perFill.length, ctx).toBe(fills.size);
        for (const r of perFill) expect(r.n === 1 && fills.has(r.id), `${ctx}: fill audit ${r.id} x${r.n}`).toBe(true);
        // positions equal their rebuild from fills
        expect(s.ledger.ledger.checkPositions().ok, ctx).toBe(true);
        // the chain verifies (incrementally from the last verified head, which must itself be unchanged)
        if (verified.seq > 0) expect(stored.get(verified.seq), ctx).toBe(verified.hash);
        const v = s.ledger.audit.verify(verified);
        expect(v, ctx).toMatchObject({ ok: true });
        if (v.ok) verified = v.head;
      } finally {
        s.close();
      }
    }
    await Promise.all(queue.map((c) => c.discard()));
    const s = openStores(dir);
    const full = s.ledger.audit.verify();
    s.close();
    expect(full).toMatchObject({ ok: true, count: verified.seq });
    expect(allAudit.size).toBeGreaterThan(CYCLES);
    expect(killedMidOpen).toBeGreaterThan(0);
    console.log(`crash test: ${CYCLES} kills (${killedMidOpen} before ready), ${allOrders.size} orders, ${allFills.size} fills, ${full.count} audit entries acknowledged and verified`);
  }, Math.max(600_000, CYCLES * 3000));
});
