import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Fill, Order } from '../../../main/core/model/index.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kestrel-storage-'));
  dirs.push(d);
  return d;
}

export function order(id: string, over: Partial<Order> = {}): Order {
  return {
    clientOrderId: id,
    venueOrderId: undefined,
    symbol: 'BTC/USDT',
    venue: 'paper',
    side: 'buy',
    type: 'limit',
    qty: 3,
    price: 6_000_000,
    triggerPrice: undefined,
    trail: undefined,
    tif: 'GTC',
    expireAt: undefined,
    reduceOnly: false,
    postOnly: false,
    source: 'ticket',
    tag: undefined,
    state: 'pending-submit',
    filledQty: 0,
    filledNotionalTicks: 0,
    groupId: undefined,
    groupKind: undefined,
    parentId: undefined,
    createdTs: 1_700_000_000_000,
    updatedTs: 1_700_000_000_000,
    reason: undefined,
    ...over,
  };
}

export function fill(tradeId: string, over: Partial<Fill> = {}): Fill {
  return {
    venue: 'paper',
    tradeId,
    clientOrderId: 'o1',
    symbol: 'BTC/USDT',
    side: 'buy',
    qty: 1,
    price: 6_000_000,
    fee: 1_500_000_000_000_000n,
    feeCurrency: 'USDT',
    liquidity: 'taker',
    ts: 1_700_000_000_500,
    ...over,
  };
}
