/**
 * Inbound webhooks through the real host and a real loopback listener: only a fresh, authenticated,
 * first-seen request places an order; it is placed once, through the risk gate, audited with source
 * `webhook` and the hook's tag; everything else is a 4xx with a reason and places nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../../main/host/webhooks/verify.ts';
import { audited, BODY_SECRET, order, post, signedOrder, startWebhookHost, webhookCreations, type WebhookHost } from './support.ts';

let t: WebhookHost;
beforeAll(async () => {
  t = await startWebhookHost({ ratePerSec: 5, burst: 60 });
});
afterAll(async () => t.close());

const orderCount = () => webhookCreations(t.host).size;

describe('inbound webhooks', () => {
  it('a valid signed hook places exactly one order, audited once with source webhook and the hook id', async () => {
    const before = orderCount();
    const r = await signedOrder(t.url, order());
    expect(r.status).toBe(200);
    expect(r.body.orders).toHaveLength(1);
    const id = r.body.orders![0]!.clientOrderId;
    const created = webhookCreations(t.host);
    expect(created.size).toBe(before + 1);
    expect(created.get(id)).toBe(1);
    const verdicts = audited(t.host, 'risk-verdict', (p) => p.source === 'webhook' && (p.request as { tag?: string }).tag === 'hook:tv');
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]!.ok).toBe(true);
    const view = (await t.client.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === id);
    expect(view).toMatchObject({ source: 'webhook', tag: 'hook:tv', symbol: 'BTC/USDT', side: 'buy' });
  });

  it('wrong, missing, expired and replayed signatures are refused and place nothing', async () => {
    const before = orderCount();
    const wrong = await signedOrder(t.url, order(), 'not-the-secret');
    expect(wrong).toMatchObject({ status: 401, body: { ok: false, reason: 'signature does not match' } });
    const missing = await post(t.url, '/hooks/tv', JSON.stringify(order()));
    expect(missing).toMatchObject({ status: 401, body: { reason: expect.stringMatching(/missing signature/) } });
    const garbled = await post(t.url, '/hooks/tv', JSON.stringify(order()), { 'x-kestrel-signature': 'sha256=zz' });
    expect(garbled.status).toBe(401);
    // Signed correctly, but sent 10 minutes ago (window 5 minutes), or from the future.
    const expired = await signedOrder(t.url, order({ ts: Date.now() - 600_000 }));
    expect(expired).toMatchObject({ status: 401, body: { reason: expect.stringMatching(/expired/) } });
    const future = await signedOrder(t.url, order({ ts: new Date(Date.now() + 600_000).toISOString() }));
    expect(future).toMatchObject({ status: 401, body: { reason: expect.stringMatching(/future/) } });
    // A body tampered after signing.
    const body = JSON.stringify(order());
    const tampered = await post(t.url, '/hooks/tv', body.replace('0.001', '0.002'), { 'x-kestrel-signature': signBody('hmac-secret-for-tests-0123456789', body) });
    expect(tampered.status).toBe(401);
    expect(orderCount()).toBe(before);

    // Replay: the same signed request twice places one order.
    const once = order();
    const first = await signedOrder(t.url, once);
    expect(first.status).toBe(200);
    const replay = await signedOrder(t.url, once);
    expect(replay).toMatchObject({ status: 409, body: { reason: expect.stringMatching(/duplicate/) } });
    expect(orderCount()).toBe(before + 1);
  });

  it('a body-secret hook (TradingView) checks the secret in the body, ISO timestamps accepted', async () => {
    const before = orderCount();
    const p = { ...order({ ts: new Date().toISOString() }), secret: BODY_SECRET };
    const wrong = await post(t.url, '/hooks/tvb', JSON.stringify({ ...p, secret: 'guess' }));
    expect(wrong).toMatchObject({ status: 401, body: { reason: 'secret does not match' } });
    const none = await post(t.url, '/hooks/tvb', JSON.stringify({ ...p, secret: undefined }));
    expect(none).toMatchObject({ status: 401, body: { reason: 'missing secret in the body' } });
    expect(orderCount()).toBe(before);
    const ok = await post(t.url, '/hooks/tvb', JSON.stringify(p));
    expect(ok.status).toBe(200);
    expect(orderCount()).toBe(before + 1);
    // An hmac hook refuses a body carrying a secret (it would be sent in clear for nothing).
    const mixed = await signedOrder(t.url, { ...order(), secret: 'x' });
    expect(mixed).toMatchObject({ status: 400, body: { reason: expect.stringMatching(/no secret in the body/) } });
  });

  it('an order the risk gate refuses is a 422 naming the rule, audited as a refused verdict, and places nothing', async () => {
    const before = orderCount();
    // 5 BTC at ~42,000 is far above the default maxOrderNotional of 50,000.
    const r = await signedOrder(t.url, order({ qty: '5' }));
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('risk_rejected');
    expect(r.body.details?.reasons?.map((x) => x.rule)).toContain('max_order_notional');
    expect(orderCount()).toBe(before);
    const refused = audited(t.host, 'risk-verdict', (p) => p.source === 'webhook' && p.ok === false);
    expect(refused).toHaveLength(1);
  });

  it('bad requests get a 4xx with a reason, place nothing, and are listed in webhooks.status', async () => {
    const before = orderCount();
    const signed = (b: string) => ({ 'x-kestrel-signature': signBody('hmac-secret-for-tests-0123456789', b) });
    const notJson = 'not json{';
    expect(await post(t.url, '/hooks/tv', notJson, signed(notJson))).toMatchObject({ status: 400, body: { reason: 'body is not JSON' } });
    const badQty = JSON.stringify(order({ qty: '-1' }));
    expect(await post(t.url, '/hooks/tv', badQty, signed(badQty))).toMatchObject({ status: 400, body: { reason: expect.stringMatching(/^payload: qty/) } });
    const offGrid = await signedOrder(t.url, order({ qty: '0.0000001' }));
    expect(offGrid).toMatchObject({ status: 422, body: { code: 'validation' } });
    const other = await signedOrder(t.url, order({ account: 'someone-else' }));
    expect(other).toMatchObject({ status: 403, body: { reason: expect.stringMatching(/trades account "demo"/) } });
    expect((await post(t.url, '/hooks/nope', '{}')).status).toBe(404);
    expect((await post(t.url, '/hooks/off', '{}')).status).toBe(403);
    expect((await post(t.url, '/elsewhere', '{}')).status).toBe(404);
    expect((await post(t.url, '/hooks/tv', '', {}, 'GET')).status).toBe(405);
    const huge = JSON.stringify(order({ pad: 'x'.repeat(20_000) }));
    expect((await post(t.url, '/hooks/tv', huge, signed(huge))).status).toBe(413);
    expect(orderCount()).toBe(before);

    const st = await t.client.call('webhooks.status', {});
    expect(st).toMatchObject({ enabled: true, listening: true, exposed: false });
    expect(st.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(st.recent[0]).toMatchObject({ status: 413, outcome: 'refused' });
    expect(st.recent.some((r) => r.status === 409 && r.reason.startsWith('duplicate'))).toBe(true);
    expect(st.counts.accepted).toBe(3);
    expect(JSON.stringify(st)).not.toContain('hmac-secret-for-tests');
  });

  it('is rate-limited: a burst beyond the bucket gets 429s and places nothing for them', async () => {
    const before = orderCount();
    const replies = await Promise.all(Array.from({ length: 120 }, () => post(t.url, '/hooks/nope', '{}')));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body.reason).toMatch(/rate limited/);
    expect(replies.every((r) => r.status === 429 || r.status === 404)).toBe(true);
    expect(orderCount()).toBe(before);
  });
});
