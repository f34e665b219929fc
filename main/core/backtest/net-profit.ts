/**
 * The exact net profit of a run that stopped early (a strategy error, the watchdog, a cancel): its ledger
 * rebuilt from the fills up to the stop, positions marked at their last close before it. A finished run reads
 * the same figure off its engine; this gives a stopped one the same exact decimal text instead of a float
 * difference of two equity values (which printed "-6.0900000000001455").
 */
import type { Fill, Instrument } from '../model/index.ts';
import { money, moneyToString } from '../model/index.ts';
import { Portfolio } from '../portfolio/portfolio.ts';
import type { BacktestConfig } from './config.ts';

export function netProfitAt(cfg: Pick<BacktestConfig, 'currency' | 'initialCash'>, instruments: ReadonlyMap<string, Instrument>, fills: readonly Fill[], marks: ReadonlyMap<string, number>): string {
  const p = new Portfolio({ baseCurrency: cfg.currency, cash: { [cfg.currency]: cfg.initialCash } }, [...instruments.values()]);
  for (const f of fills) p.applyFill(f);
  for (const [symbol, close] of marks) if (close === close) p.mark(symbol, close);
  return moneyToString((p.equityByCurrency().get(cfg.currency) ?? 0n) - money(cfg.initialCash));
}
