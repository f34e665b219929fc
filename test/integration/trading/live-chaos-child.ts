/**
 * One life of the chaos test's host (live-chaos.test.ts kills it with SIGKILL at a random moment): opens
 * the data dir on the external Kestrel Sim, reconciles until the gate is clear (acknowledging the balances
 * the sim account held before Kestrel ever traded, on the very first life only), arms, and places orders
 * until the ledger holds `target` of them: market buys and sells, and limit buys 3 % under the last price (inside
 * the default profile's 5 % price band, so they reach the venue and rest there), most canceled a moment later —
 * a kill then often lands between a create and its answer, or between a cancel and its answer.
 * Prints `armed` once ready, `done` when the target is reached, and `gate: ...` on an unexpected difference.
 *
 *   node live-chaos-child.ts <dataDir> <simUrl> <target> <seed> <first: 0|1>
 */
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { createHost } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';

const [dataDir, simUrl, targetText, seedText, firstText] = process.argv.slice(2);
const account = 'chaos';
const target = Number(targetText);
let seed = Number(seedText) || 1;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);

const T0 = Date.now();
const trace = (m: string) => { if (process.env.KESTREL_CHAOS_TRACE) process.stderr.write(`${new Date().toISOString().slice(11, 19)} [life ${seedText}] +${Date.now() - T0}ms ${m}\n`); };
const host = await createHost({ mode: 'memory', dataDir: dataDir!, env: { KESTREL_SIM_URL: simUrl!, KESTREL_LIVE_RECV_WINDOW_MS: '2000' } });
const c: KestrelClient = createClient(connectInMemory(host.server));
trace(`host up (process start ${Math.round(process.uptime() * 1000)}ms before T0)`);
await c.call('accounts.select', { account });
trace('selected');

const TRANSIENT = new Set(['unknown-order', 'missing-order']);
for (let i = 0; ; i++) {
  const st = await c.call('live.reconcile', { account });
  trace(`reconcile ${i}: ${st.gate} ${JSON.stringify(st.discrepancies.map((d) => (TRANSIENT.has(d.kind) && d.kind !== 'missing-order' ? d.kind : `${d.kind}: ${d.summary} ${JSON.stringify(d.ref)}`)))}`);
  if (st.gate === 'clear') break;
  const hard = st.discrepancies.filter((d) => !TRANSIENT.has(d.kind) && !(firstText === '1' && d.kind === 'position-mismatch'));
  if (hard.length > 0 && i > 40) {
    process.stdout.write(`gate: ${JSON.stringify(hard)}\n`);
    process.exit(3);
  }
  if (firstText === '1') for (const d of st.discrepancies.filter((x) => x.kind === 'position-mismatch')) await c.call('live.resolve', { account, id: d.id, action: 'acknowledge' });
  await new Promise((r) => setTimeout(r, 250));
}
await c.call('live.arm', { account, confirm: 'Chaos' });
process.stdout.write('armed\n');
trace('armed');

const count = () => (host.services.ledger.db.prepare('SELECT COUNT(*) AS n FROM orders WHERE account_id IN (SELECT id FROM accounts WHERE owner = ?)').get(account) as { n: number }).n;
const price = async () => {
  for (;;) {
    const p = (await c.call('trading.prices', { account })).prices.find((x) => x.symbol === 'BTC/USDT');
    if (p) return Number(p.price);
    await new Promise((r) => setTimeout(r, 50));
  }
};
// Refused for this long without one more order in the ledger, the run is stuck (a halted account stays halted): said, not waited out.
const STUCK_MS = 120_000;
let progress = { n: count(), at: Date.now() };
let lastRefusal = '';
for (let i = 0; count() < target; i++) {
  if (count() > progress.n) progress = { n: count(), at: Date.now() };
  else if (Date.now() - progress.at > STUCK_MS) {
    const st = await c.call('live.status', { account }).catch(() => null);
    process.stdout.write(`stuck at ${progress.n} orders: ${lastRefusal}; live: ${JSON.stringify(st?.discrepancies ?? null)}\n`);
    process.exit(4);
  }
  const r = rnd();
  try {
    if (r < 0.6) {
      await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: rnd() < 0.5 ? 'buy' : 'sell', type: 'market', qty: '0.001' });
    } else {
      const last = await price();
      const [o] = (await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.001', price: (Math.floor(last * 0.97 * 100) / 100).toFixed(2) })).orders;
      if (o && rnd() < 0.8) setTimeout(() => void c.call('trading.cancel', { account, clientOrderId: o.clientOrderId }).catch(() => undefined), 30 + rnd() * 200);
    }
  } catch (e) {
    // a refusal (risk, a fault) is part of the chaos: the ledger says what happened
    const why = e instanceof Error ? e.message : String(e);
    if (why !== lastRefusal) trace(`refused: ${why}`);
    lastRefusal = why;
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 5 + rnd() * 20));
  if (i % 50 === 0) trace(`orders ${count()}`);
}
trace(`done ${count()}`);
process.stdout.write('done\n');
setInterval(() => {}, 1_000);
