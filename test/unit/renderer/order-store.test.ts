/**
 * The blotter's order store: per order, the later view wins, whatever the order of arrival. The screens journey
 * once showed a filled market order as "accepted": the ticket's refresh took its snapshot before the fill, the
 * fill was pushed while the snapshot was on its way, and the snapshot then overwrote it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrderView } from '../../../main/contract/trading.ts';

// The store's host calls, answered by hand: each refresh's replies wait until the test releases them.
const pending: { channel: string; resolve: (v: unknown) => void }[] = [];
vi.mock('../../../renderer/ipc/client.ts', () => ({
  call: (channel: string) => new Promise((resolve) => pending.push({ channel, resolve })),
  getClient: () => ({ call: () => Promise.reject(new Error('not used')), on: () => () => {} }),
  describeError: () => ({ level: 'error', title: '', message: '' }),
}));
const { laterOrder, mergeOrders, useTrading } = await import('../../../renderer/state/trading.ts');

function order(state: OrderView['state'], over: Partial<OrderView> = {}): OrderView {
  const ended = ['filled', 'canceled', 'rejected', 'expired'].includes(state);
  return {
    clientOrderId: 'K-1', venueOrderId: '1', symbol: 'BTC/USDT', venue: 'sim', side: 'buy', type: 'market', qty: '0.01', filledQty: state === 'filled' ? '0.01' : '0',
    remainingQty: state === 'filled' ? '0' : '0.01', price: null, triggerPrice: null, avgFillPrice: null, tif: 'GTC', reduceOnly: false, postOnly: false, source: 'ticket',
    tag: null, state, open: !ended, groupId: null, groupKind: null, parentId: null, createdTs: 1000, updatedTs: 1000, reason: null, ...over,
  };
}

/** Answers the in-flight refresh's five calls: these open orders and this history, nothing else. */
function answerRefresh(open: OrderView[], history: OrderView[]): void {
  const replies: Record<string, unknown> = {
    'trading.openOrders': { orders: open }, 'trading.orderHistory': { orders: history }, 'trading.fills': { fills: [] },
    'trading.positions': { positions: [] }, 'trading.account': undefined,
  };
  for (const p of pending.splice(0)) p.resolve(replies[p.channel]);
}

describe('later view of an order wins', () => {
  it('an ended order never reopens, whichever arrives last', () => {
    const accepted = order('accepted', { updatedTs: 1000 });
    const filled = order('filled', { updatedTs: 999 }); // a venue's fill time may read earlier than our ack time
    expect(laterOrder(accepted, filled)).toBe(filled);
    expect(laterOrder(filled, accepted)).toBe(filled);
  });

  it('more filled wins; then the later update; at the same millisecond the state further along', () => {
    const part = order('partially-filled', { filledQty: '0.004', updatedTs: 1000 });
    const pendingCancel = order('pending-cancel', { updatedTs: 1005 });
    expect(laterOrder(part, pendingCancel)).toBe(part);
    const acked = order('accepted', { updatedTs: 1001 });
    const submitted = order('pending-submit', { updatedTs: 1000 });
    expect(laterOrder(acked, submitted)).toBe(acked);
    expect(laterOrder(submitted, order('accepted', { updatedTs: 1000 })).state).toBe('accepted');
    expect(laterOrder(order('pending-cancel'), order('accepted')).state).toBe('pending-cancel');
    // A cancel refused later: back to accepted with a newer update time.
    expect(laterOrder(order('pending-cancel', { updatedTs: 1000 }), order('accepted', { updatedTs: 1002 })).state).toBe('accepted');
  });

  it('merging a stale view leaves the open list and history as they were', () => {
    const filled = order('filled', { updatedTs: 1002 });
    const m = mergeOrders([], [filled], [order('accepted', { updatedTs: 1001 })]);
    expect(m.openOrders).toEqual([]);
    expect(m.history).toEqual([filled]);
  });
});

describe('the trading store', () => {
  beforeEach(() => {
    pending.length = 0;
    useTrading.setState({ openOrders: [], history: [] });
  });

  it('a fill pushed while a refresh is in flight survives the refresh’s older snapshot', async () => {
    const refreshed = useTrading.getState().refresh();
    expect(pending.map((p) => p.channel)).toContain('trading.openOrders');
    useTrading.getState().applyOrders([order('filled', { updatedTs: 1003 })]);
    answerRefresh([order('accepted', { updatedTs: 1001 })], [order('accepted', { updatedTs: 1001 })]);
    await refreshed;
    const s = useTrading.getState();
    expect(s.openOrders).toEqual([]);
    expect(s.history.map((o) => o.state)).toEqual(['filled']);
  });

  it('a refresh is the truth for orders not pushed meanwhile (one that ended unseen leaves the open list)', async () => {
    useTrading.getState().applyOrders([order('accepted'), order('accepted', { clientOrderId: 'K-2', createdTs: 1001 })]);
    const refreshed = useTrading.getState().refresh();
    answerRefresh([order('accepted')], [order('accepted'), order('canceled', { clientOrderId: 'K-2', createdTs: 1001, updatedTs: 1500 })]);
    await refreshed;
    const s = useTrading.getState();
    expect(s.openOrders.map((o) => o.clientOrderId)).toEqual(['K-1']);
    expect(s.history.map((o) => [o.clientOrderId, o.state])).toEqual([['K-2', 'canceled'], ['K-1', 'accepted']]);
  });

  it('the open list and history of one snapshot, read moments apart, agree on each order', async () => {
    const refreshed = useTrading.getState().refresh();
    answerRefresh([order('accepted', { updatedTs: 1001 })], [order('filled', { updatedTs: 1002 })]);
    await refreshed;
    expect(useTrading.getState().openOrders).toEqual([]);
  });
});
