import { useEffect, useState, type ReactNode } from 'react';
import { useTicket } from '../../state/ticket.ts';
import { EXIT_UNITS, exitPrice, type ExitUnit } from './exits.ts';

/**
 * A bracket's take profit or stop loss, typed as a price or as a distance from the entry in ticks, % or money.
 * A distance becomes the price that is sent, shown under the field.
 */
export function ExitField({ field, label, tick, entry, qty, priceInput }: { field: 'takeProfit' | 'stopLoss'; label: string; tick: string; entry: string; qty: string; priceInput: ReactNode }) {
  const [unit, setUnit] = useState<ExitUnit>('price');
  const [value, setValue] = useState('');
  const form = useTicket((s) => s.form);
  const [problem, setProblem] = useState<string | null>(null);

  const apply = (v: string, u: ExitUnit) => {
    setValue(v);
    if (u === 'price' || !v.trim()) return setProblem(null);
    const r = exitPrice({ side: form.side, kind: field === 'takeProfit' ? 'tp' : 'sl', entry, value: v, unit: u, tick, qty });
    setProblem('problem' in r ? r.problem : null);
    useTicket.getState().patch({ [field]: 'price' in r ? r.price : '' });
  };

  // A distance follows the entry, the quantity and the side (not every tick of a market entry's last price).
  useEffect(() => {
    if (unit !== 'price' && value.trim()) apply(value, unit);
  }, [form.price, qty, form.side]);

  const unitSelect = (
    <select className="unit-select" aria-label={`${label} in`} value={unit} onChange={(e) => (setUnit(e.target.value as ExitUnit), apply(value, e.target.value as ExitUnit))}>
      {EXIT_UNITS.map((u) => (
        <option key={u.id} value={u.id}>
          {u.label}
        </option>
      ))}
    </select>
  );

  if (unit === 'price')
    return (
      <div className="exit-field">
        {priceInput}
        {unitSelect}
      </div>
    );
  return (
    <div className="exit-field">
      <label className="field">
        <span title={`${EXIT_UNITS.find((u) => u.id === unit)!.label} from the entry`}>{label}</span>
        <input inputMode="decimal" aria-label={`${label} distance`} aria-invalid={!!problem} value={value} onChange={(e) => apply(e.target.value, unit)} />
        {problem ? (
          <small className="error-text">{problem}</small>
        ) : (
          form[field] && (
            <small className="muted" data-testid={`exit-price-${field}`}>
              → {form[field]} ({EXIT_UNITS.find((u) => u.id === unit)!.label} from entry)
            </small>
          )
        )}
      </label>
      {unitSelect}
    </div>
  );
}
