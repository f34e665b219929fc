import { useMemo } from 'react';

interface Doc {
  name?: string;
  description?: string;
  params?: Record<string, number>;
  indicators?: Record<string, { name: string; params?: Record<string, unknown> }>;
  entry?: Record<string, unknown>;
  exit?: Record<string, unknown>;
  sizing?: Record<string, unknown>;
  exits?: Record<string, unknown>;
  cooldownBars?: number;
  [k: string]: unknown;
}

type ExitKey = 'stopLoss' | 'takeProfit' | 'trailingStop' | 'timeExitBars' | 'cooldownBars';

/** The rules' protective exits and pacing, as form fields (percent distances and bar counts). */
const EXIT_FIELDS: { key: ExitKey; label: string; path: string; placeholder: string; help: string }[] = [
  { key: 'stopLoss', label: 'Stop loss (%)', path: 'exits.stopLoss', placeholder: 'none', help: 'Exit when price moves this percent against the entry' },
  { key: 'takeProfit', label: 'Take profit (%)', path: 'exits.takeProfit', placeholder: 'none', help: 'Exit when price moves this percent in favour' },
  { key: 'trailingStop', label: 'Trailing stop (%)', path: 'exits.trailingStop', placeholder: 'none', help: 'A stop that follows the best price at this distance' },
  { key: 'timeExitBars', label: 'Time exit (bars)', path: 'exits.timeExitBars', placeholder: 'none', help: 'Leave at the close of this many bars after the entry fill' },
  { key: 'cooldownBars', label: 'Cooldown (bars)', path: 'cooldownBars', placeholder: '0', help: 'Bars to wait after a position closes before a new entry' },
];

/** A field's value in the document: a percent, a bar count, an ATR distance object, or null when absent. */
function readExit(doc: Doc, key: ExitKey): number | Record<string, unknown> | null {
  if (key === 'cooldownBars') return typeof doc.cooldownBars === 'number' && doc.cooldownBars > 0 ? doc.cooldownBars : null;
  const v = doc.exits?.[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  const o = v as Record<string, unknown>;
  return typeof o.percent === 'number' && Object.keys(o).length === 1 ? o.percent : o;
}

/** The document with one field set (null removes it). */
function writeExit(doc: Doc, key: ExitKey, value: number | null): Doc {
  if (key === 'cooldownBars') {
    const { cooldownBars: _drop, ...rest } = doc;
    return value === null ? rest : { ...rest, cooldownBars: value };
  }
  const { [key]: _old, ...exits } = doc.exits ?? {};
  const next = value === null ? exits : { ...exits, [key]: key === 'timeExitBars' ? value : { percent: value } };
  return { ...doc, exits: next };
}

function describeDistance(d: Record<string, unknown>): string {
  return typeof d.mult === 'number' ? `${d.mult} × ATR` : JSON.stringify(d);
}

/** Renders a condition tree as text: crossesAbove(fast, slow) and rsi < 30. */
function describe(c: unknown): string {
  if (!c || typeof c !== 'object') return String(c);
  const o = c as Record<string, unknown>;
  if (Array.isArray(o.all)) return o.all.map(describe).join(' and ');
  if (Array.isArray(o.any)) return `(${o.any.map(describe).join(' or ')})`;
  if (typeof o.op === 'string') return `${o.op}(${[o.a, o.b].filter((x) => x !== undefined).map((x) => (typeof x === 'object' ? describe(x) : String(x))).join(', ')})`;
  return JSON.stringify(o);
}

/**
 * The form side of the rules editor: parameters and sizing as inputs, indicators and rules as readable text.
 * Edits write back into the JSON document, so the JSON tab and the host's validation see the same thing.
 */
export function RulesForm({ source, issues, onChange }: { source: string; issues: { path: string; message: string }[]; onChange(s: string): void }) {
  const doc = useMemo<Doc | null>(() => {
    try {
      const d = JSON.parse(source) as unknown;
      return d && typeof d === 'object' && !Array.isArray(d) ? (d as Doc) : null;
    } catch {
      return null;
    }
  }, [source]);
  if (!doc) return <div className="error-text pad">The rules document is not valid JSON: fix it in the Rules JSON tab.</div>;
  const write = (next: Doc) => onChange(JSON.stringify(next, null, 2));
  const issueAt = (path: string) => issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`)).map((i) => i.message);
  const params = doc.params ?? {};
  return (
    <div className="rules-form scroll">
      <label className="field">
        <span>Description</span>
        <input aria-label="Description" value={doc.description ?? ''} onChange={(e) => write({ ...doc, description: e.target.value })} />
      </label>
      <h3 className="section">Parameters</h3>
      <div className="param-grid">
        {Object.entries(params).map(([k, v]) => (
          <label className="field" key={k}>
            <span>{k}</span>
            <input
              aria-label={`Parameter ${k}`}
              inputMode="decimal"
              defaultValue={String(v)}
              aria-invalid={issueAt(`params.${k}`).length > 0}
              onChange={(e) => {
                const n = Number(e.target.value);
                if (e.target.value.trim() !== '' && Number.isFinite(n)) write({ ...doc, params: { ...params, [k]: n } });
              }}
            />
            {issueAt(`params.${k}`).map((m) => (
              <small key={m} className="error-text">
                {m}
              </small>
            ))}
          </label>
        ))}
        {Object.keys(params).length === 0 && <div className="muted small">No parameters.</div>}
      </div>
      <h3 className="section">Indicators</h3>
      <ul className="rule-list">
        {Object.entries(doc.indicators ?? {}).map(([k, ind]) => (
          <li key={k}>
            <code>{k}</code> = {ind.name}({Object.entries(ind.params ?? {}).map(([p, v]) => `${p}: ${String(v)}`).join(', ')})
            {issueAt(`indicators.${k}`).map((m) => (
              <div key={m} className="error-text small">
                {m}
              </div>
            ))}
          </li>
        ))}
      </ul>
      <h3 className="section">Rules</h3>
      <ul className="rule-list">
        {(['entry', 'exit'] as const).flatMap((part) =>
          Object.entries((doc[part] as Record<string, unknown> | undefined) ?? {}).map(([side, cond]) => (
            <li key={`${part}.${side}`}>
              <b>
                {part} {side}
              </b>{' '}
              when <code>{describe(cond)}</code>
              {issueAt(`${part}.${side}`).map((m) => (
                <div key={m} className="error-text small">
                  {m}
                </div>
              ))}
            </li>
          )),
        )}
      </ul>
      <h3 className="section">Exits and pacing</h3>
      <div className="param-grid" data-testid="rules-exits">
        {EXIT_FIELDS.map((f) => {
          const cur = readExit(doc, f.key);
          const atr = cur !== null && typeof cur === 'object';
          return (
            <label className="field" key={f.key}>
              <span>{f.label}</span>
              <input
                aria-label={f.label}
                inputMode="decimal"
                placeholder={f.placeholder}
                title={atr ? 'An ATR-based distance: edit it in the Rules JSON tab' : f.help}
                disabled={atr}
                defaultValue={atr ? describeDistance(cur) : cur === null ? '' : String(cur)}
                aria-invalid={issueAt(f.path).length > 0}
                onChange={(e) => {
                  const text = e.target.value.trim();
                  const n = Number(text);
                  if (text === '') write(writeExit(doc, f.key, null));
                  else if (Number.isFinite(n)) write(writeExit(doc, f.key, n));
                }}
              />
              {issueAt(f.path).map((m) => (
                <small key={m} className="error-text">
                  {m}
                </small>
              ))}
            </label>
          );
        })}
      </div>
      <h3 className="section">Sizing</h3>
      <div className="muted">
        <code>{JSON.stringify(doc.sizing ?? {})}</code>
      </div>
    </div>
  );
}
