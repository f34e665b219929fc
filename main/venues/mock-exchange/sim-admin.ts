/**
 * Kestrel Sim's operator endpoints (no real exchange has them; they exist so tests and demos can act on
 * the exchange from outside a client): issue API keys, plant or cancel orders on an account as if from
 * another device, deposit, set the private faults, expire listenKeys, drop user streams and read an
 * account. JSON in and out; the sim listens on 127.0.0.1 only.
 */
import { z } from 'zod';
import { money, moneyToString as str } from '../../core/model/money.ts';
import type { SimPrivateApi } from './private-api.ts';
import { futuresOrder, spotOrder, futuresView, algoOrder } from './private-wire.ts';
import { isOpen } from './sim-account.ts';

const Decimal = z.string().regex(/^\d{1,20}(\.\d{1,18})?$/);
const Id = z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/);

const NewKey = z
  .object({
    account: Id.optional(),
    enableWithdrawals: z.boolean().optional(),
    ipRestrict: z.boolean().optional(),
    enableSpotAndMarginTrading: z.boolean().optional(),
    enableFutures: z.boolean().optional(),
    enableReading: z.boolean().optional(),
    spot: z.record(z.string().regex(/^[A-Z0-9]{1,12}$/), Decimal).optional(),
    futures: Decimal.optional(),
  })
  .strict();

const PlantOrder = z
  .object({
    account: Id,
    market: z.enum(['spot', 'futures']),
    symbol: z.string().regex(/^[A-Z0-9]{2,20}$/),
    side: z.enum(['BUY', 'SELL']),
    type: z.enum(['LIMIT', 'MARKET', 'LIMIT_MAKER', 'STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT']),
    quantity: Decimal.optional(),
    price: Decimal.optional(),
    stopPrice: Decimal.optional(),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'GTX']).optional(),
    clientOrderId: Id.optional(),
    reduceOnly: z.boolean().optional(),
  })
  .strict();

const CancelOrder = z.object({ account: Id, market: z.enum(['spot', 'futures']), symbol: z.string().regex(/^[A-Z0-9]{2,20}$/), clientOrderId: Id }).strict();

const Deposit = z.object({ account: Id, market: z.enum(['spot', 'futures']), asset: z.string().regex(/^[A-Z0-9]{1,12}$/), amount: z.string().regex(/^-?\d{1,20}(\.\d{1,18})?$/) }).strict();

const Faults = z
  .object({
    timeoutAfterAccept: z.number().min(0).max(1), holdMs: z.number().int().min(0).max(600_000), lostAck: z.number().min(0).max(1), notFoundAfterCreate: z.number().min(0).max(1),
    notFoundMs: z.number().int().min(0).max(600_000), duplicateFill: z.number().min(0).max(1), reorderFill: z.number().min(0).max(1), reorderHoldMs: z.number().int().min(0).max(600_000), streamDrop: z.number().min(0).max(1),
    listenKeyTtlMs: z.number().int().min(1).max(86_400_000), rateLimit: z.number().min(0).max(1), ban: z.number().min(0).max(1), clockSkewMs: z.number().int().min(-86_400_000).max(86_400_000),
    insufficientBalance: z.number().min(0).max(1),
  })
  .partial()
  .strict();

export interface AdminReply {
  readonly status: number;
  readonly body: unknown;
}

const bad = (msg: string, status = 400): AdminReply => ({ status, body: { code: -1000, msg } });

function parse<T>(schema: z.ZodType<T>, body: string): T | AdminReply {
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : {};
  } catch {
    return bad('body is not JSON');
  }
  const r = schema.safeParse(json);
  return r.success ? r.data : bad(r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

const isReply = (x: unknown): x is AdminReply => typeof x === 'object' && x !== null && 'status' in x && 'body' in x;

export function handleAdmin(method: string, path: string, body: string, api: SimPrivateApi): AdminReply {
  const op = `${method} ${path}`;
  switch (op) {
    case 'POST /sim-admin/keys': {
      const o = parse(NewKey, body);
      if (isReply(o)) return o;
      const k = api.createKey(o);
      return { status: 200, body: { apiKey: k.apiKey, secret: k.secret, account: k.account } };
    }
    case 'POST /sim-admin/orders': {
      const o = parse(PlantOrder, body);
      if (isReply(o)) return o;
      if (!api.engine.accounts.has(o.account)) return bad(`no account "${o.account}"`, 404);
      const d = (x: string | undefined) => (x === undefined ? undefined : money(x));
      const placed = o.market === 'futures' && (o.type === 'STOP_MARKET' || o.type === 'TAKE_PROFIT_MARKET')
        ? api.engine.placeAlgo(o.account, { symbol: o.symbol, side: o.side, type: o.type, triggerPrice: d(o.stopPrice) ?? 0n, ...(o.quantity ? { quantity: money(o.quantity) } : {}), ...(o.clientOrderId ? { clientAlgoId: o.clientOrderId } : {}), reduceOnly: o.reduceOnly ?? false })
        : api.engine.place(o.account, o.market, {
            symbol: o.symbol, side: o.side, type: o.type, ...(o.timeInForce ? { timeInForce: o.timeInForce } : o.type === 'LIMIT' || o.type.endsWith('_LIMIT') ? { timeInForce: 'GTC' } : {}),
            ...(o.quantity ? { quantity: money(o.quantity) } : {}), ...(o.price ? { price: money(o.price) } : {}), ...(o.stopPrice ? { stopPrice: money(o.stopPrice) } : {}),
            ...(o.clientOrderId ? { clientOrderId: o.clientOrderId } : {}), reduceOnly: o.reduceOnly ?? false,
          });
      if ('code' in placed) return { status: 400, body: { code: placed.code, msg: placed.msg } };
      if ('clientAlgoId' in placed) return { status: 200, body: algoOrder(placed) };
      return { status: 200, body: o.market === 'spot' ? spotOrder(placed) : futuresOrder(placed) };
    }
    case 'POST /sim-admin/cancel': {
      // As if canceled from another device: the client sees it only through its stream or its next check.
      const o = parse(CancelOrder, body);
      if (isReply(o)) return o;
      if (!api.engine.accounts.has(o.account)) return bad(`no account "${o.account}"`, 404);
      const gone = api.engine.cancel(o.account, o.market, o.symbol, { clientOrderId: o.clientOrderId });
      if ('code' in gone && o.market === 'futures') {
        // A futures stop / take-profit lives in the Algo Order book, under its client algo id.
        const algo = api.engine.cancelAlgo(o.account, { clientAlgoId: o.clientOrderId });
        if (!('code' in algo)) return { status: 200, body: algoOrder(algo) };
      }
      if ('code' in gone) return { status: 400, body: { code: gone.code, msg: gone.msg } };
      return { status: 200, body: o.market === 'spot' ? spotOrder(gone) : futuresOrder(gone) };
    }
    case 'POST /sim-admin/deposit': {
      const o = parse(Deposit, body);
      if (isReply(o)) return o;
      api.engine.deposit(o.account, o.market, o.asset, money(o.amount));
      return { status: 200, body: {} };
    }
    case 'PUT /sim-admin/faults': {
      const o = parse(Faults, body);
      if (isReply(o)) return o;
      api.setFaults(o);
      return { status: 200, body: { faults: api.faults.config } };
    }
    case 'GET /sim-admin/faults':
      return { status: 200, body: { faults: api.faults.config, injected: api.faults.injected } };
    case 'POST /sim-admin/expire-listen-keys':
      api.streams.expireAll();
      return { status: 200, body: {} };
    case 'POST /sim-admin/drop-user-streams':
      api.streams.dropAll();
      return { status: 200, body: {} };
    default:
  }
  const m = /^\/sim-admin\/accounts\/([A-Za-z0-9:._-]{1,64})$/.exec(path);
  if (method === 'GET' && m) {
    const a = api.engine.accounts.get(m[1]!);
    if (!a) return bad(`no account "${m[1]}"`, 404);
    const v = futuresView(a, (s) => api.mark(s));
    return {
      status: 200,
      body: {
        account: a.id,
        spot: Object.fromEntries([...a.spot].map(([k, b]) => [k, { free: str(b.free), locked: str(b.locked) }])),
        futuresWallet: str(v.wallet),
        positions: v.positions.filter((p) => p.amt !== 0n).map((p) => ({ symbol: p.symbol, amt: str(p.amt), entry: str(p.entry) })),
        openOrders: [...a.orders.values()].filter((o) => isOpen(o.status)).map((o) => (o.market === 'spot' ? spotOrder(o) : futuresOrder(o))),
        openAlgoOrders: [...a.algos.values()].filter((x) => x.status === 'NEW').map(algoOrder),
        trades: a.trades.length,
      },
    };
  }
  return bad(`unknown admin endpoint ${op}`, 404);
}
