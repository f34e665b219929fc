import type { StreamKind, StreamUpdate, VenueHealth } from '../../contract/streams.ts';
import { KestrelError } from '../../core/errors.ts';
import { parseOptions, UsageError, type CliCommand } from '../command.ts';
import { explain, openCliStreams } from './stream-args.ts';

/** A venue that stays unreachable this long (never connected) ends the command with the reason. */
const GIVE_UP_MS = 20_000;

const time = (ts: number) => new Date(ts).toISOString().slice(11, 19);

/** The terminal view: redrawn in place on a TTY, one line per update otherwise. */
class View {
  ticker: Extract<StreamUpdate, { kind: 'ticker' }> | undefined;
  bar: { ts: number; open: number; high: number; low: number; close: number; volume: number; closed: boolean } | undefined;
  book: Extract<StreamUpdate, { kind: 'book' }> | undefined;
  readonly trades: Extract<StreamUpdate, { kind: 'trades' }>['trades'] = [];
  health: VenueHealth | undefined;
  readonly title: string;
  readonly depth: number;

  constructor(title: string, depth: number) {
    this.title = title;
    this.depth = depth;
  }

  apply(u: StreamUpdate): string[] {
    switch (u.kind) {
      case 'ticker':
        this.ticker = u;
        return [`${time(u.ts)} ticker  last ${u.last}  bid ${u.bid ?? '-'}  ask ${u.ask ?? '-'}  24h ${u.changePct === null ? '-' : `${u.changePct.toFixed(2)}%`}  vol ${u.baseVolume ?? '-'}`];
      case 'ohlcv': {
        this.bar = u.bars[u.bars.length - 1];
        const closed = u.bars.filter((b) => b.closed);
        // A resync brings many at once (the bars missed since the last stored one): one line for them.
        if (closed.length > 3) return [`${time(Date.now())} bars    ${closed.length} closed 1m bars caught up and stored, ${new Date(closed[0]!.ts).toISOString()} → ${new Date(closed[closed.length - 1]!.ts).toISOString()}`];
        return closed.map((b) => `${time(b.ts)} bar     o ${b.open}  h ${b.high}  l ${b.low}  c ${b.close}  v ${b.volume}  (closed, stored)`);
      }
      case 'book':
        this.book = u;
        return [`${time(u.ts)} book    bid ${u.bids[0]?.join(' × ') ?? '-'}  ask ${u.asks[0]?.join(' × ') ?? '-'}`];
      case 'trades':
        this.trades.unshift(...u.trades.slice().reverse());
        this.trades.length = Math.min(this.trades.length, 12);
        return u.trades.map((t) => `${time(t.ts)} trade   ${(t.side ?? '?').toUpperCase().padEnd(4)} ${t.qty} @ ${t.price}`);
    }
  }

  screen(): string {
    const h = this.health;
    const out = [`${this.title}   ${h ? `${h.state}${h.lastMessageAgeMs !== null ? `, last message ${(h.lastMessageAgeMs / 1000).toFixed(1)} s ago` : ''}, reconnects ${h.reconnects}, dropped ${h.dropped.malformed + h.dropped.duplicate + h.dropped.outOfOrder}` : 'connecting…'}`];
    if (h?.error) out.push(`  ${h.error}`);
    const t = this.ticker;
    if (t) out.push('', `  last ${t.last}   24h ${t.changePct === null ? '-' : `${t.changePct.toFixed(2)}%`}   high ${t.high ?? '-'}   low ${t.low ?? '-'}   volume ${t.baseVolume ?? '-'}`);
    const b = this.bar;
    if (b) out.push(`  1m ${time(b.ts)}  o ${b.open}  h ${b.high}  l ${b.low}  c ${b.close}  v ${b.volume}${b.closed ? '' : '  (forming)'}`);
    if (this.book) {
      out.push('', '  BID                      ASK');
      for (let i = 0; i < this.depth; i++) {
        const bid = this.book.bids[i];
        const ask = this.book.asks[i];
        out.push(`  ${(bid ? `${bid[1]} @ ${bid[0]}` : '').padEnd(25)}${ask ? `${ask[0]} × ${ask[1]}` : ''}`);
      }
    }
    if (this.trades.length) out.push('', ...this.trades.map((x) => `  ${time(x.ts)}  ${(x.side ?? '?').toUpperCase().padEnd(4)} ${x.qty} @ ${x.price}`));
    return out.join('\n');
  }
}

export const watch: CliCommand = {
  name: 'watch',
  summary: 'Live view of one market in the terminal: ticker and 1m bars, optionally the order book and the trades tape.',
  usage: 'kestrel watch VENUE SYMBOL [--book] [--trades] [--depth N] [--for SECONDS] [--lines] [--data-dir DIR]',
  options: {
    book: { type: 'boolean', default: false, help: 'show the order book' },
    trades: { type: 'boolean', default: false, help: 'show the trades tape' },
    depth: { type: 'string', default: '10', value: 'N', help: 'book levels shown per side' },
    for: { type: 'string', value: 'SECONDS', help: 'stop after this long', defaultHelp: 'until Ctrl-C' },
    lines: { type: 'boolean', default: false, help: 'one line per update instead of a redrawn screen', defaultHelp: 'when stdout is not a terminal' },
    'data-dir': { type: 'string', value: 'DIR', help: 'the data directory (its settings name the venues; closed bars are stored in its market.db)', defaultHelp: 'the app data directory' },
  },
  async run(argv) {
    const { values, positionals } = parseOptions(argv, watch.options, { allowPositionals: true });
    const v = values as { book: boolean; trades: boolean; depth: string; for?: string; lines: boolean; 'data-dir'?: string };
    const [venue, symbol, ...extra] = positionals;
    if (!venue || !symbol) throw new UsageError('VENUE and SYMBOL, e.g. kestrel watch kestrel-sim BTC/USDT');
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    const depth = Number(v.depth);
    if (!Number.isInteger(depth) || depth < 1 || depth > 50) throw new UsageError('--depth is a whole number from 1 to 50');
    const forMs = v.for === undefined ? undefined : Number(v.for) * 1000;
    if (forMs !== undefined && !(forMs > 0)) throw new UsageError('--for is a number of seconds');
    const lines = v.lines || !process.stdout.isTTY;
    const kinds: StreamKind[] = ['ticker', 'ohlcv', ...(v.book ? ['book' as const] : []), ...(v.trades ? ['trades' as const] : [])];
    const view = new View(`${venue} ${symbol}`, depth);
    const s = openCliStreams(v['data-dir']);
    let updates = 0;
    let lastState = '';
    let reason: string | undefined;
    try {
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        if (forMs !== undefined) setTimeout(resolve, forMs).unref();
        const started = Date.now();
        s.streams.onHealth((h) => {
          view.health = h;
          if (h.state !== lastState) {
            lastState = h.state;
            if (lines) console.error(`${venue}: ${h.state}${h.error ? ` — ${h.error}` : ''}`);
          }
          if (h.state === 'unreachable' && !updates && Date.now() - started > GIVE_UP_MS) {
            reason = `${venue} is unreachable from this machine (offline, blocked or down)${h.error ? `: ${h.error}` : ''}`;
            resolve();
          }
          if (h.state === 'failed') {
            reason = h.error ?? `${symbol} on ${venue} cannot be streamed`;
            resolve();
          }
        });
      });
      const sub = await s.streams.subscribe(venue, symbol, kinds, (u) => {
        updates++;
        const out = view.apply(u);
        if (lines) for (const l of out) console.log(l);
      });
      const redraw = lines ? undefined : setInterval(() => process.stdout.write(`\x1b[H\x1b[2J${view.screen()}\n`), 250);
      await stop;
      if (redraw) clearInterval(redraw);
      sub.close();
      if (reason) {
        console.error(`kestrel watch: ${reason}`);
        return 3;
      }
      return updates ? 0 : 1;
    } catch (e) {
      if (e instanceof KestrelError) {
        console.error(`kestrel watch: ${explain(venue, e)}`);
        return e.retryable ? 3 : 1;
      }
      throw e;
    } finally {
      await s.close();
    }
  },
};
