/**
 * What a paper fill means, next to the paper account's positions: the paper venue's assumptions in short
 * (the full text is main/venues/paper/FILLS.md). Shown for paper sessions only: a live or sim account's
 * fills are the venue's own.
 */
import { useTrading } from '../../state/trading.ts';

export const FILL_MODEL_POINTS: readonly { readonly title: string; readonly text: string }[] = [
  { title: 'Book walk', text: 'Market orders (and marketable limits, triggered stops) take the displayed L2 levels best first, one fill per level, never past the limit; each fill shows its slippage against the touch. Size we took stays taken until a snapshot.' },
  { title: 'Queue', text: 'A resting limit joins the queue behind the size shown at its price. Prints at the price work off the queue ahead first; a print through the price fills us. Maker fills are at the limit.' },
  { title: 'Latency', text: 'Submits, cancels and amends take effect after the session\u2019s venue latency; a fill before a cancel lands stands (the cancel can lose the race).' },
  { title: 'Fallbacks', text: 'No book: top-of-book quotes, else trade prints (a print reaching a limit fills it), else candles (open \u2192 nearer extreme \u2192 farther extreme \u2192 close; no queue).' },
  { title: 'Not modelled', text: 'Hidden and iceberg orders, where cancels sit in the queue, our own market impact, self-trade prevention: fewer fills than a real venue, except hidden liquidity.' },
];

export function FillModelNote() {
  const mode = useTrading((s) => s.session?.mode);
  if (mode !== 'paper') return null;
  return (
    <details className="fill-model-note" data-testid="fill-model-note">
      <summary className="small ghost" title="How this paper account's orders are filled">How paper fills work</summary>
      <dl aria-label="Paper fill model">
        {FILL_MODEL_POINTS.map((p) => (
          <div key={p.title}>
            <dt>{p.title}</dt>
            <dd>{p.text}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
