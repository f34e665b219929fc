/**
 * The crash-test writer: runs a deterministic script of ledger work until it is SIGKILLed, printing an
 * acknowledgement line for every commit after the commit call returned. On start it resumes the way the
 * engine would after a crash: the last step is re-run idempotently (an existing intent is kept, fills are
 * redelivered and must deduplicate), then the script continues.
 *
 *   node crash-child.ts <dataDir> <seed>     (waits for a line on stdin before opening the databases,
 *                                             so the parent can spawn it early and overlap module loading)
 */
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import type { Fill, Order } from '../../../main/core/model/index.ts';
import { openStores } from '../../../main/storage/index.ts';

const [dir, seedArg] = process.argv.slice(2);
let seed = Number(seedArg) >>> 0 || 1;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

function say(line: string): void {
  const b = Buffer.from(line + '\n');
  let off = 0;
  while (off < b.length) {
    try {
      off += writeSync(1, b, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

const SCOPE = { accountId: 'acct', sessionId: 'crash' };
const KEY = { source: 'crash', symbol: 'BTC/USDT', timeframe: '1m' };
await once(process.stdin, 'data');
process.stdin.pause();
const s = openStores(dir!);
const { ledger, audit } = s.ledger;
say('ready');

const orderOf = (k: number): Order => ({
  clientOrderId: `o${k}`, venueOrderId: undefined, symbol: 'BTC/USDT', venue: 'sim', side: k % 3 ? 'buy' : 'sell', type: 'limit',
  qty: 2, price: 1000 + (k % 50), triggerPrice: undefined, trail: undefined, tif: 'GTC', expireAt: undefined, reduceOnly: false,
  postOnly: false, source: 'strategy', tag: undefined, state: 'pending-submit', filledQty: 0, filledNotionalTicks: 0, groupId: undefined,
  groupKind: undefined, parentId: undefined, createdTs: k * 1000, updatedTs: k * 1000, reason: undefined,
});
const fillOf = (k: number, j: number): Fill => ({
  venue: 'sim', tradeId: `t${k}-${j}`, clientOrderId: `o${k}`, symbol: 'BTC/USDT', side: k % 3 ? 'buy' : 'sell', qty: 1,
  price: 1000 + (k % 50), fee: BigInt(k) * 10n ** 15n, feeCurrency: 'USDT', liquidity: 'maker', ts: k * 1000 + j,
});

function deliverFills(k: number): void {
  // Both fills, their audit entries and the position they move commit together (one batch = one engine
  // tick, as a paper desk batches a book update's fills): a kill inside the batch loses all of it.
  const done = ledger.batch(() => [1, 2].map((j) => ({ j, e: ledger.recordFill(SCOPE, fillOf(k, j)) ? audit.record('fill', { tradeId: `t${k}-${j}` }, k * 1000 + j) : null })));
  for (const { j, e } of done) {
    say(`fill t${k}-${j}`);
    if (e) say(`audit ${e.seq} ${e.hash}`);
  }
}

function step(k: number, resuming: boolean): void {
  const o = orderOf(k);
  const existing = resuming ? ledger.getOrder(SCOPE.sessionId, o.clientOrderId) : undefined;
  if (!existing) {
    const e = ledger.db.transaction(() => {
      ledger.recordIntent(SCOPE, o);
      return audit.record('order', { id: o.clientOrderId }, k * 1000);
    })();
    say(`order o${k}`);
    say(`audit ${e.seq} ${e.hash}`);
  }
  const filled = existing?.order.state === 'filled';
  if (!filled) ledger.recordOrderUpdate(SCOPE, { ...o, state: 'accepted', venueOrderId: `v${k}`, updatedTs: k * 1000 + 1 });
  deliverFills(k);
  if (k > 1 && rand() < 0.3) deliverFills(k - 1); // a venue redelivering old fills
  if (!filled) ledger.recordOrderUpdate(SCOPE, { ...o, state: 'filled', venueOrderId: `v${k}`, filledQty: 2, filledNotionalTicks: 2 * o.price!, updatedTs: k * 1000 + 5 });
  say(`done o${k}`);
  const px = [1000 + k];
  s.market.candles.upsert(KEY, { ts: [k * 60_000], open: px, high: px, low: px, close: px, volume: [k] });
  say(`candle ${k}`);
}

const last = (ledger.db.prepare(`SELECT max(CAST(substr(client_order_id, 2) AS INTEGER)) AS k FROM orders WHERE session_id = 'crash'`).get() as { k: number | null }).k ?? 0;
if (last > 0) step(last, true);
for (let k = last + 1; ; k++) step(k, false);
