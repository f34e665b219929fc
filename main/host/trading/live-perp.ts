/**
 * What a live (sim / testnet / live) perpetual account adds to its session: the venue's leverage brackets (private
 * on Binance: read with the account's key, so the tier rules — -2027 at the order and at a leverage change — see the
 * venue's real tiers, not the one public tier), each symbol's leverage and margin mode as the venue holds them, the
 * venue's mark price for P&L (MarkFeed, mark-feed.ts), and leverage / margin-mode changes that go to the venue.
 *
 * A change is checked first under the venue's rules on the session's own book (core/margin/leverage.ts: a margin
 * mode needs no position and no open order, a leverage's tier must hold the position and its orders), so a request
 * the venue would refuse is refused here in the venue's words without a round trip; the venue's own refusal comes
 * back in its words too (main/venues/ccxt/leverage.ts). Only what the venue accepted is applied to the session.
 * A dry-run connection sends nothing: the change is applied to the session only.
 */
import type { AccountSettings } from '../../contract/settings.ts';
import type { SymbolMarginView } from '../../contract/trading.ts';
import type { SymbolMargin } from '../../core/margin/leverage.ts';
import type { MarginMode } from '../../core/margin/margin.ts';
import type { Instrument } from '../../core/model/index.ts';
import { fetchVenueMargins, fetchVenueMark, fetchVenueTiers, setVenueLeverage, setVenueMarginMode } from '../../venues/ccxt/index.ts';
import type { PaperMargin } from './compose.ts';
import type { LiveConnection } from './live-connect.ts';
import { ccxtMarkWatch, hasMarkStream, type MarkWatch } from './mark-feed.ts';
import type { TradingSession } from './session.ts';

export interface LivePerp {
  /** The account's perpetuals with the venue's brackets (and its max leverage: the first tier's). */
  readonly instruments: readonly Instrument[];
  /** Mode and leverage per symbol as the venue holds them at connect time. */
  readonly margin: PaperMargin;
  /** The venue's mark price now (premiumIndex). */
  readonly mark: (symbol: string) => Promise<number>;
  /** The venue's mark stream (absent: polled). */
  readonly watchMark?: MarkWatch;
}

/** Reads the venue's brackets and per-symbol margin for a perpetual account; undefined for a spot one. */
export async function loadLivePerp(a: AccountSettings, c: LiveConnection): Promise<LivePerp | undefined> {
  if (a.marketType !== 'perpetual') return undefined;
  const perps = c.instruments.filter((i) => i.kind === 'perpetual');
  const symbols = perps.map((i) => i.symbol);
  const [tiers, margins] = await Promise.all([fetchVenueTiers(c.conn, symbols), fetchVenueMargins(c.conn, symbols)]);
  const instruments = c.instruments.map((i) => {
    const t = tiers.get(i.symbol);
    return t && t.length ? { ...i, marginTiers: t, maxLeverage: Math.max(...t.map((x) => x.maxLeverage)) } : i;
  });
  const mode: MarginMode = a.marginMode ?? 'cross';
  const leverage: Record<string, number> = {};
  const modes: Record<string, MarginMode> = {};
  for (const i of instruments) {
    if (i.kind !== 'perpetual') continue;
    const m = margins.find((x) => x.symbol === i.symbol);
    // A symbol the venue did not report starts at Binance's default for a new position.
    leverage[i.symbol] = Math.min(m?.leverage ?? 20, i.maxLeverage);
    if (m && m.mode !== mode) modes[i.symbol] = m.mode;
  }
  return { instruments, margin: { mode, leverage, ...(Object.keys(modes).length ? { modes } : {}) }, mark: (symbol) => fetchVenueMark(c.conn, symbol), ...(hasMarkStream(c.conn) ? { watchMark: ccxtMarkWatch(c.conn) } : {}) };
}

/**
 * A leverage and/or margin-mode change of a live perpetual: the venue's rules on the session's book, then the venue
 * (margin mode first: it needs the position flat, and leverage then applies to the new mode), then the session.
 * When the mode went through and the leverage did not, the session keeps the new mode and the refusal is reported.
 */
export async function setLiveMargin(
  s: TradingSession, c: LiveConnection, symbol: string, to: { readonly mode?: MarginMode | undefined; readonly leverage?: number | undefined }, origin: string,
): Promise<SymbolMarginView> {
  const from = s.currentMargin(symbol);
  const next: SymbolMargin = s.checkMargin(symbol, to);
  if (c.api.dryRun) return s.applyMargin(symbol, next, `${origin} (dry-run: not sent)`);
  if (next.mode !== from.mode) {
    await setVenueMarginMode(c.conn, symbol, next.mode);
    s.applyMargin(symbol, { mode: next.mode, leverage: from.leverage }, origin);
  }
  if (next.leverage !== from.leverage) await setVenueLeverage(c.conn, symbol, next.leverage);
  return s.applyMargin(symbol, next, origin);
}
