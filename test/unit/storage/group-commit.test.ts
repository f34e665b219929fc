/**
 * Group commit of ledger.db (main/storage/README.md, "Durability of the ledger"): commits go to the WAL
 * without an fsync on the event loop, one background fsync covers every commit made while the previous
 * one ran, a paper store's intents join their batch, and a live venue in `disk` durability sends an order
 * only once the fsync covering its intent has returned — and never when the disk refuses.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WallClock } from '../../../main/core/engine/clock.ts';
import { Engine } from '../../../main/core/engine/kernel.ts';
import { IllegalTransitionError, StorageError, ValidationError } from '../../../main/core/errors.ts';
import { defineInstrument } from '../../../main/core/model/index.ts';
import { SettingsDocument } from '../../../main/contract/settings.ts';
import { resolveHostSettings } from '../../../main/host/settings/host-settings.ts';
import { openLedger, WalSync } from '../../../main/storage/index.ts';
import { openSqlite } from '../../../main/storage/sqlite.ts';
import type { PlaceRequest, VenueOrderReport } from '../../../main/venues/ccxt/index.ts';
import { LiveVenue } from '../../../main/venues/live/live-venue.ts';
import { FakeOrderApi } from '../../support/fake-order-api.ts';
import { order, tempDir } from './helpers.ts';

const SCOPE = { accountId: 'acc', sessionId: 's1' };
const BTC = defineInstrument({ symbol: 'BTC/USDT', venue: 'fakex', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.0001' });

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('group commit: the WAL fsync', () => {
  it('one fsync covers every commit made while the previous one ran', async () => {
    const l = openLedger(join(tempDir(), 'ledger.db'));
    await l.ledger.durable();
    const before = l.wal!.syncs;
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      l.ledger.recordIntent(SCOPE, order(`o${i}`)); // each commits on its own and kicks the fsync
      waits.push(l.ledger.intentDurable(), l.ledger.durable());
    }
    await Promise.all(waits);
    // The first intent's fsync, then one shared by the other 49 (and the durable() calls meanwhile).
    expect(l.wal!.syncs - before).toBe(2);
    l.db.close();
  });

  it('a refused fsync rejects with a StorageError and reports a background failure', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.db');
    symlinkSync(`${file}-wal`, `${file}-wal`); // a loop: opening it fails with ELOOP
    const sync = new WalSync(file);
    const seen: StorageError[] = [];
    sync.onError = (e) => void seen.push(e);
    await expect(sync.durable()).rejects.toBeInstanceOf(StorageError);
    await sync.kick().catch(() => undefined);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.message).toMatch(/Cannot make the ledger durable/);
  });
});

describe('group commit: paper intents join their batch', () => {
  it('a paper store writes the intent with the batch; a live store commits it before returning', () => {
    const file = join(tempDir(), 'ledger.db');
    const l = openLedger(file);
    const other = openSqlite(file, { readonly: true });
    const count = () => (other.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
    const paper = l.ledger.storeFor(SCOPE, { intents: 'batch' });
    const live = l.ledger.storeFor({ ...SCOPE, sessionId: 's2' });
    l.ledger.batch(() => {
      paper.recordIntent(order('p1'));
      expect(count()).toBe(0); // not committed: it goes with the fill and the ack
      live.recordIntent(order('l1'));
      expect(count()).toBe(2); // the live intent committed the batch so far, the paper one with it
      paper.recordIntent(order('p2'));
      expect(count()).toBe(2);
    });
    expect(count()).toBe(3);
    other.close();
    l.db.close();
  });
});

describe('group commit: a held row that cannot be written', () => {
  it('rolls its batch back and leaves no transaction open: the next batch commits', () => {
    const l = openLedger(join(tempDir(), 'ledger.db'));
    l.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON orders WHEN NEW.client_order_id = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const paper = l.ledger.storeFor(SCOPE, { intents: 'batch' });
    expect(() => l.ledger.batch(() => {
      paper.recordIntent(order('kept-out'));
      paper.recordIntent(order('boom'));
    })).toThrow();
    expect(l.db.inTransaction).toBe(false);
    expect(l.ledger.getOrder('s1', 'kept-out')).toBeUndefined();
    l.ledger.batch(() => paper.recordIntent(order('after')));
    expect(l.ledger.getOrder('s1', 'after')).toMatchObject({ order: { state: 'pending-submit' } });
    l.db.close();
  });
});

describe('group commit: a paper order is one row write per batch', () => {
  it('intent, ack and fill in one batch: one row at its last state, its version counting them; the rules still hold', () => {
    const file = join(tempDir(), 'ledger.db');
    const l = openLedger(file);
    const other = openSqlite(file, { readonly: true });
    const paper = l.ledger.storeFor(SCOPE, { intents: 'batch' });
    l.ledger.batch(() => {
      paper.recordIntent(order('p1'));
      expect(() => paper.recordIntent(order('p1'))).toThrow(/already exists/);
      paper.recordOrderUpdate(order('p1', { state: 'accepted', venueOrderId: 'v1' }));
      paper.recordOrderUpdate(order('p1', { state: 'filled', filledQty: 3, filledNotionalTicks: 18_000_000 }));
      expect(() => paper.recordOrderUpdate(order('p1', { state: 'canceled' }))).toThrow(IllegalTransitionError);
      expect(() => paper.recordOrderUpdate(order('p1', { state: 'filled', filledQty: 1.5 }))).toThrow(ValidationError);
      paper.recordIntent(order('p2'));
      // A read inside the batch sees what was recorded (the rows are written first).
      expect(l.ledger.getOrder('s1', 'p1')).toMatchObject({ version: 3, order: { state: 'filled', filledQty: 3 } });
      paper.recordOrderUpdate(order('p2', { state: 'accepted' }));
      expect(other.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 0 });
    });
    expect(other.prepare('SELECT client_order_id AS id, state, version FROM orders ORDER BY id').all()).toEqual([
      { id: 'p1', state: 'filled', version: 3 },
      { id: 'p2', state: 'accepted', version: 2 },
    ]);
    // Later batches update the stored row as before.
    l.ledger.batch(() => paper.recordOrderUpdate(order('p2', { state: 'canceled' })));
    expect(l.ledger.getOrder('s1', 'p2')).toMatchObject({ version: 3, order: { state: 'canceled' } });
    other.close();
    l.db.close();
  });
});

class GatedApi extends FakeOrderApi {
  readonly syncsAtCreate: number[] = [];
  syncs: () => number = () => 0;
  override async create(req: PlaceRequest): Promise<VenueOrderReport> {
    this.syncsAtCreate.push(this.syncs());
    return super.create(req);
  }
}

function liveRig(beforeSend: (ledger: ReturnType<typeof openLedger>) => () => Promise<void>) {
  const ledger = openLedger(join(tempDir(), 'ledger.db'), { durability: 'disk' });
  const api = new GatedApi();
  api.syncs = () => ledger.wal!.syncs;
  const venue = new LiveVenue({ id: 'fakex', api, instruments: [BTC], beforeSend: beforeSend(ledger), deliver: (fn) => ledger.ledger.batch(fn) });
  const engine = new Engine({ instruments: [BTC], venue, portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000' } }, clock: new WallClock(), store: ledger.ledger.storeFor(SCOPE), sessionId: 's1' });
  engine.onTrade({ symbol: 'BTC/USDT', ts: Date.now(), price: 42_000, qty: 0.01 });
  const buy = () => ledger.ledger.batch(() => engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 10, price: 4_200_000 }));
  return { ledger, api, buy };
}

describe('group commit: a live send in disk durability', () => {
  it('goes only after the fsync covering its intent; orders placed together share it', async () => {
    const { ledger, api, buy } = liveRig((l) => () => l.ledger.intentDurable());
    await ledger.ledger.durable();
    const before = ledger.wal!.syncs;
    const orders = [buy(), buy(), buy()];
    expect(api.count('create')).toBe(0); // nothing left before an fsync returned
    await until(() => orders.every((o) => o.state === 'accepted'), 'acks');
    expect(api.syncsAtCreate.every((n) => n > before)).toBe(true);
    // The first intent's fsync started at its commit; the two placed while it ran share the next one.
    expect(new Set(api.syncsAtCreate).size).toBeLessThanOrEqual(2);
    expect(ledger.ledger.getOrder('s1', orders[2]!.clientOrderId)?.order.state).toBe('accepted');
    ledger.db.close();
  });

  it('a refused fsync rejects the order and sends nothing; the ledger says why', async () => {
    const { ledger, api, buy } = liveRig(() => () => Promise.reject(new StorageError('disk says no')));
    const o = buy();
    await until(() => o.state === 'rejected', 'rejection');
    expect(o.reason).toBe('intent_not_durable');
    expect(api.count('create')).toBe(0);
    expect(ledger.ledger.getOrder('s1', o.clientOrderId)?.order.state).toBe('rejected');
    ledger.db.close();
  });
});

describe('group commit: the durability setting', () => {
  it('defaults to process; disk comes from the document or KESTREL_LEDGER_DURABILITY; anything else is refused', () => {
    const doc = SettingsDocument.parse({ version: 1 });
    expect(resolveHostSettings(doc, 'headless', {}).ledger.durability).toBe('process');
    expect(resolveHostSettings(SettingsDocument.parse({ version: 1, ledger: { durability: 'disk' } }), 'headless', {}).ledger.durability).toBe('disk');
    expect(resolveHostSettings(doc, 'headless', { KESTREL_LEDGER_DURABILITY: ' DISK ' }).ledger.durability).toBe('disk');
    const bad = resolveHostSettings(doc, 'headless', { KESTREL_LEDGER_DURABILITY: 'none' });
    expect(bad.ledger.durability).toBe('process');
    expect(bad.rejected).toEqual([{ key: 'ledger.durability', env: 'KESTREL_LEDGER_DURABILITY', value: 'none' }]);
  });
});
