import { KestrelError } from '../../core/errors.ts';
import { parseOptions, UsageError, type CliCommand } from '../command.ts';
import { explain, openCliStreams } from './stream-args.ts';

export const markets: CliCommand = {
  name: 'markets',
  summary: "List or search a venue's spot and perpetual markets with tick size, lot step and min notional.",
  usage: 'kestrel markets VENUE [--search Q] [--type spot|perp] [--limit N] [--json] [--data-dir DIR]',
  options: {
    search: { type: 'string', value: 'Q', help: 'symbol, base or quote to look for (BTC, btc/usdt, USDT)', defaultHelp: 'all markets' },
    type: { type: 'string', value: 'spot|perp', help: 'only spot or only perpetual markets', defaultHelp: 'both' },
    limit: { type: 'string', default: '50', value: 'N', help: 'at most N markets' },
    json: { type: 'boolean', default: false, help: 'one JSON line per market' },
    'data-dir': { type: 'string', value: 'DIR', help: 'the data directory (its settings name the venues)', defaultHelp: 'the app data directory' },
  },
  async run(argv) {
    const { values, positionals } = parseOptions(argv, markets.options, { allowPositionals: true });
    const v = values as { search?: string; type?: string; limit: string; json: boolean; 'data-dir'?: string };
    const [venue, ...extra] = positionals;
    if (!venue) throw new UsageError('which VENUE? (kestrel-sim, binance, … — any ccxt exchange id or a venue of the settings)');
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (v.type !== undefined && v.type !== 'spot' && v.type !== 'perp') throw new UsageError('--type is spot or perp');
    const limit = Number(v.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new UsageError('--limit is a whole number from 1 to 5000');
    const s = openCliStreams(v['data-dir']);
    try {
      const list = await s.streams.markets(venue, { ...(v.search ? { query: v.search } : {}), ...(v.type ? { type: v.type as 'spot' | 'perp' } : {}), limit });
      if (v.json) {
        for (const m of list.markets) console.log(JSON.stringify(m));
        return list.total ? 0 : 1;
      }
      if (list.total === 0) {
        console.error(`no market on ${venue} matches${v.search ? ` "${v.search}"` : ''}`);
        return 1;
      }
      const rows = list.markets.map((m) => [m.symbol, m.type, m.tickSize, m.lotStep, m.minNotional ?? '-']);
      const head = ['SYMBOL', 'TYPE', 'TICK', 'LOT STEP', 'MIN NOTIONAL'];
      const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd());
      if (list.total > list.markets.length) console.log(`… ${list.total - list.markets.length} more (--limit, --search)`);
      return 0;
    } catch (e) {
      if (e instanceof KestrelError) {
        console.error(`kestrel markets: ${explain(venue, e)}`);
        return e.retryable ? 3 : 1;
      }
      throw e;
    } finally {
      await s.close();
    }
  },
};
