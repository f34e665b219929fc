/**
 * The market service of a host: opened lazily on first use (market.db in the data dir), closed with the
 * host. On start, the demo dataset is generated in the background when the database has none — except in
 * the in-memory test mode (opt in with KESTREL_DEMO=1) or when KESTREL_DEMO=0.
 */
import { join } from 'node:path';
import type { HostContext } from '../context.ts';
import { MarketService } from './market-service.ts';

const services = new WeakMap<HostContext, MarketService>();

export function marketFor(ctx: HostContext): MarketService {
  let s = services.get(ctx);
  if (!s) {
    s = MarketService.open(join(ctx.dataDir, 'market.db'));
    services.set(ctx, s);
  }
  return s;
}

export function startMarketData(ctx: HostContext): void {
  const env = process.env.KESTREL_DEMO;
  const wanted = env === '1' || (env !== '0' && ctx.mode !== 'memory');
  if (!wanted) return;
  const svc = marketFor(ctx);
  void svc.ensureDemo().then((st) => {
    if (st.state === 'failed') ctx.log.error({ error: st.error }, 'demo data generation failed');
    else if (st.ms !== null) ctx.log.info({ candles: st.candles, ms: Math.round(st.ms) }, 'synthetic demo data generated');
  });
}

export async function stopMarketData(ctx: HostContext): Promise<void> {
  const s = services.get(ctx);
  if (!s) return;
  services.delete(ctx);
  await s.close();
}
