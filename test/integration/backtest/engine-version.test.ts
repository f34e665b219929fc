/**
 * ENGINE_VERSION must move whenever the engine's results move (main/core/engine/version.ts). The golden
 * backtests' determinism hashes are pinned here per engine version: a change that moves one of them fails
 * until ENGINE_VERSION is bumped and a row for the new version added. Never edit an existing row: recordings
 * made with that version would then claim the wrong engine. (test/fixtures/golden is regenerated with
 * KESTREL_UPDATE_GOLDEN=1; this table is not, on purpose.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCandlesCsv } from '../../../main/core/data/csv.ts';
import { ENGINE_VERSION } from '../../../main/core/engine/version.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import { runBacktest, rulesSource } from '../../../workers/backtest/backtester.ts';

const PINNED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'kestrel-engine 1': {
    'bollinger-breakout': '13f352e898583cdc6b4759f02266a1b2690954265be13afe2dad982596d2d144',
    'donchian-trend': '66e5fbb1ab9dcb4752fc049c0084888cd71acf0400ec9b92c1d148f5aeae8c36',
    'ema-crossover': '34dc5af0110e49bf26b1c3c44af7518510a9cdd19bf6823e31e24fcac93a8b31',
    'rsi-mean-reversion': '681e9bfd7a4649ed80750212b48ac5894278a2bafdbf4488e302dd4a1d05fb6b',
    'sma-crossover': '2bb7dfa8e8a1e862cfc12b5a7a4db7efe2686a9a4946d2259e36875c9b58dd7c',
  },
};

/** golden.test.ts's config and data (importing it would run the golden suite here again). */
const CONFIG = { symbols: ['BTC/USDT'], timeframe: '1m', initialCash: '10000', fees: { maker: '0.0002', taker: '0.0005' }, instruments: { 'BTC/USDT': { tickSize: '0.01', lotSize: '0.00001' } } };
const columns = parseCandlesCsv(readFileSync(new URL('../../fixtures/golden/demo-btc-1m.csv', import.meta.url), 'utf8')).columns;

describe('ENGINE_VERSION', () => {
  it('has its pinned golden determinism hashes (an engine change that moves a result bumps the version)', () => {
    const pinned = PINNED[ENGINE_VERSION];
    expect(pinned, `no row for ${ENGINE_VERSION} in PINNED: add one with the golden hashes of this engine`).toBeDefined();
    const got: Record<string, string> = {};
    for (const t of TEMPLATES) got[t.id] = runBacktest({ config: CONFIG, strategy: rulesSource(t.doc), datasets: [{ symbol: 'BTC/USDT', columns, source: 'golden demo-btc-1m.csv' }] }).determinismHash;
    expect(got, `the engine's results changed but ENGINE_VERSION is still ${ENGINE_VERSION}: bump it (main/core/engine/version.ts) and add its row here`).toEqual(pinned);
  });

  it('every version has its own results: no two rows alike', () => {
    const rows = Object.values(PINNED).map((r) => JSON.stringify(r));
    expect(new Set(rows).size).toBe(rows.length);
  });
});
