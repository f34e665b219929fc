/**
 * A host that will be SIGKILLed: starts a paper session on `dataDir`, rests one limit order far below
 * the market, prints `ready <sessionId> <clientOrderId>` and waits to be killed.
 *
 *   node crash-child.ts <dataDir>
 */
import { createClient } from '../../../main/contract/index.ts';
import { createHost } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { fastFeedEnv, lastPrice, offset } from './support.ts';

fastFeedEnv();
const host = await createHost({ mode: 'memory', dataDir: process.argv[2]! });
const client = createClient(connectInMemory(host.server));
const session = await client.call('trading.session', {});
const eth = await lastPrice(client, 'ETH/USDT');
const order = (await client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: '0.01', price: offset(eth, -400, 2) })).orders[0]!;
process.stdout.write(`ready ${session.sessionId} ${order.clientOrderId}\n`);
setInterval(() => {}, 1_000);
