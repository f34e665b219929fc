/**
 * The private half of the ccxt wrapper against ccxt's REAL binance class: its transport is replaced by
 * hand-written Binance replies (status + JSON body, as the exchange sends them), so ccxt's own error mapping
 * (Binance codes → ccxt classes) runs, and ours classifies what comes out: definitive → rejected,
 * anything ambiguous → unknown, "no such order" → not-found.
 */
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { KestrelError } from '../../../main/core/errors.ts';
import { CcxtTrading, CcxtVenue, orderOutcome, resetSharedLimiters } from '../../../main/venues/ccxt/index.ts';
import { generatedSymbols } from '../../../main/venues/mock-exchange/index.ts';
import { exchangeInfo } from '../../../main/venues/mock-exchange/wire.ts';

type Reply = { status: number; body: unknown } | Error;

function connection(reply: (url: string, method: string, body: string | undefined) => Reply, opts: { dryRun?: boolean } = {}) {
  resetSharedLimiters();
  const symbols = generatedSymbols({ symbols: ['BTC/USDT'], days: 0.01, seed: 3 });
  const venue = new CcxtVenue({ exchange: 'binance', apiKey: 'test-key-AAAA', secret: 'test-secret-BBBB', endpoints: { rest: 'http://127.0.0.1:9' }, retry: { attempts: 1 }, rateLimit: { perSecond: 10_000, burst: 10_000 } });
  const sent: { url: string; method: string; body: string | undefined }[] = [];
  (venue.ex as unknown as { fetchImplementation: unknown }).fetchImplementation = async (url: string, init: { method: string; body?: string }) => {
    if (url.includes('/exchangeInfo')) return new Response(JSON.stringify(exchangeInfo(symbols, Date.now())), { status: 200, headers: { 'content-type': 'application/json' } });
    sent.push({ url, method: init.method, body: init.body });
    const r = reply(url, init.method, init.body);
    if (r instanceof Error) throw r;
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
  };
  return { trading: new CcxtTrading(venue, opts), sent };
}

const order = (over: Record<string, unknown> = {}) => ({
  symbol: 'BTCUSDT', orderId: 777, orderListId: -1, clientOrderId: 'S1-1', transactTime: Date.now(), price: '42000.00', origQty: '0.01000',
  executedQty: '0.00000', cummulativeQuoteQty: '0.00', status: 'NEW', timeInForce: 'GTC', type: 'LIMIT', side: 'BUY', workingTime: Date.now(), fills: [], ...over,
});

const place = { clientOrderId: 'S1-1', symbol: 'BTC/USDT', side: 'buy', kind: 'limit', amount: '0.01', price: '42000' } as const;

async function failure(p: Promise<unknown>): Promise<KestrelError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KestrelError);
    return e as KestrelError;
  }
  throw new Error('expected the call to fail');
}

describe('order calls through ccxt binance', () => {
  it('places by client order id once, and reads the reply as plain data', async () => {
    const { trading, sent } = connection(() => ({ status: 200, body: order() }));
    const r = await trading.create(place);
    expect(r).toMatchObject({ venueOrderId: '777', clientOrderId: 'S1-1', symbol: 'BTC/USDT', status: 'open', side: 'buy', amount: 0.01, filled: 0, price: 42000 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('POST');
    expect(`${sent[0]!.url}${sent[0]!.body ?? ''}`).toMatch(/newClientOrderId=S1-1/);
    expect(`${sent[0]!.url}${sent[0]!.body ?? ''}`).toMatch(/signature=[0-9a-f]{64}/);
  });

  it.each([
    ['insufficient balance (-2010)', { status: 400, body: { code: -2010, msg: 'Account has insufficient balance for requested action.' } }, 'rejected'],
    ['bad quantity (-1013)', { status: 400, body: { code: -1013, msg: 'Filter failure: LOT_SIZE' } }, 'rejected'],
    ['bad key (-2015)', { status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } }, 'rejected'],
    ['backend timeout, status unknown (-1007)', { status: 408, body: { code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' } }, 'unknown'],
    ['a 503', { status: 503, body: { msg: 'Service Unavailable' } }, 'unknown'],
    ['a 502 with an HTML page', { status: 502, body: '<html>bad gateway</html>' }, 'unknown'],
    ['rate limited (429)', { status: 429, body: { code: -1003, msg: 'Too many requests.' } }, 'unknown'],
    ['clock skew (-1021)', { status: 400, body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } }, 'unknown'],
    ['a code ccxt does not know', { status: 400, body: { code: -9999, msg: 'Something new.' } }, 'unknown'],
  ] as const)('%s on create → %s', async (_name, reply, outcome) => {
    const { trading } = connection(() => reply);
    const e = await failure(trading.create(place));
    expect(e.details?.outcome).toBe(outcome);
    expect(e.code).toBe(outcome === 'rejected' ? 'venue_rejected' : 'venue_network');
  });

  it('a dropped connection or a timeout is an unknown outcome, and the create is not retried', async () => {
    for (const err of [new TypeError('fetch failed'), Object.assign(new Error('aborted'), { name: 'AbortError' })]) {
      const { trading, sent } = connection(() => err);
      const e = await failure(trading.create(place));
      expect(e.details?.outcome).toBe('unknown');
      expect(sent).toHaveLength(1);
    }
  });

  it('fetch by client order id: found, or not-found (-2013) as its own outcome', async () => {
    const found = connection((url) => (url.includes('origClientOrderId=S1-1') ? { status: 200, body: order({ status: 'PARTIALLY_FILLED', executedQty: '0.00400' }) } : { status: 400, body: { code: -1, msg: 'no' } }));
    expect(await found.trading.fetchOrder('S1-1', 'BTC/USDT', false)).toMatchObject({ status: 'open', filled: 0.004, clientOrderId: 'S1-1' });
    const missing = connection(() => ({ status: 400, body: { code: -2013, msg: 'Order does not exist.' } }));
    expect((await failure(missing.trading.fetchOrder('S1-9', 'BTC/USDT', false))).details?.outcome).toBe('not-found');
  });

  it('a reply with an impossible shape is an unknown outcome, never a half-read order', async () => {
    const { trading } = connection(() => ({ status: 200, body: order({ executedQty: '5.0', origQty: '0.01' }) }));
    expect((await failure(trading.create(place))).details?.outcome).toBe('unknown');
  });

  it('dry-run builds and signs the request but sends nothing, and keeps no secret', async () => {
    const { trading, sent } = connection(() => ({ status: 200, body: order() }), { dryRun: true });
    const r = await trading.create(place);
    expect(r.status).toBe('open');
    expect(sent).toHaveLength(0);
    const req = trading.dryRuns.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', signed: true });
    const text = JSON.stringify(req);
    expect(text).toMatch(/newClientOrderId=S1-1/);
    expect(text).not.toContain('test-key-AAAA');
    expect(text).not.toContain('test-secret-BBBB');
    expect(text).not.toMatch(/signature=[0-9a-f]{64}/);
  });
});

describe('orderOutcome on ccxt error classes', () => {
  it.each([
    [new ccxt.RequestTimeout('t'), 'unknown'],
    [new ccxt.NetworkError('n'), 'unknown'],
    [new ccxt.ExchangeNotAvailable('503'), 'unknown'],
    [new ccxt.DuplicateOrderId('dup'), 'unknown'],
    [new ccxt.ExchangeError('bare'), 'unknown'],
    [new ccxt.InvalidOrder('binance {"code":-1007,"msg":"status unknown"}'), 'unknown'],
    [new ccxt.InvalidOrder('bad price'), 'rejected'],
    [new ccxt.InsufficientFunds('poor'), 'rejected'],
    [new ccxt.AuthenticationError('key'), 'rejected'],
    [new ccxt.OrderNotFound('gone'), 'not-found'],
    [new Error('anything else'), 'unknown'],
  ] as const)('%s → %s', (e, outcome) => {
    expect(orderOutcome(e)).toBe(outcome);
  });
});
