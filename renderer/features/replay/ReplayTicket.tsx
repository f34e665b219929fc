import { useState } from 'react';
import { useMarketReplay } from '../../state/market-replay.ts';

/**
 * The replay account's ticket: the same ticket request as the trading ticket (trading.submit's shape), sent to
 * the replay session, where it passes the same parsing, risk gate and paper venue. Prices are the replay's.
 */
export function ReplayTicket() {
  const status = useMarketReplay((s) => s.status);
  const [side, setSide] = useState<'buy' | 'sell'>('buy');
  const [type, setType] = useState<'market' | 'limit'>('market');
  const [qty, setQty] = useState('0.01');
  const [price, setPrice] = useState('');
  const [sending, setSending] = useState(false);
  if (!status) return null;
  const send = async () => {
    setSending(true);
    try {
      await useMarketReplay.getState().submit({ symbol: status.symbol, side, type, qty, ...(type === 'limit' ? { price } : {}) });
    } finally {
      setSending(false);
    }
  };
  return (
    <section className={`mreplay-ticket ticket-${side}`} aria-label="Replay ticket" data-testid="mreplay-ticket">
      <div className="mreplay-ticket-head">
        <b>{status.symbol}</b>
        <span className="num" data-testid="mreplay-last">{status.lastPrice ?? '—'}</span>
      </div>
      <div className="side-toggle" role="radiogroup" aria-label="Side">
        <button role="radio" aria-checked={side === 'buy'} className={side === 'buy' ? 'buy' : ''} onClick={() => setSide('buy')}>
          Buy
        </button>
        <button role="radio" aria-checked={side === 'sell'} className={side === 'sell' ? 'sell' : ''} onClick={() => setSide('sell')}>
          Sell
        </button>
      </div>
      <div className="seg" role="radiogroup" aria-label="Order type">
        {(['market', 'limit'] as const).map((t) => (
          <button key={t} role="radio" aria-checked={type === t} className={type === t ? 'active' : ''} onClick={() => setType(t)}>
            {t === 'market' ? 'Market' : 'Limit'}
          </button>
        ))}
      </div>
      <label className="field">
        <span>Quantity</span>
        <input aria-label="Replay quantity" inputMode="decimal" value={qty} onChange={(e) => setQty(e.target.value.trim())} />
      </label>
      {type === 'limit' && (
        <label className="field">
          <span>Limit price</span>
          <input aria-label="Replay limit price" inputMode="decimal" value={price} placeholder={status.lastPrice ?? ''} onChange={(e) => setPrice(e.target.value.trim())} />
        </label>
      )}
      <button className={`primary ${side}`} disabled={sending || !qty || (type === 'limit' && !price)} onClick={() => void send()}>
        {side === 'buy' ? 'Buy' : 'Sell'} {qty} {type}
      </button>
      <small className="muted">{type === 'market' ? 'Fills at the next bar\u2019s open.' : 'Fills when a bar trades through the limit.'}</small>
    </section>
  );
}
