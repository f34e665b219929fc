import { useMemo } from 'react';

interface Doc {
  name?: string;
  description?: string;
  params?: Record<string, number>;
  indicators?: Record<string, { name: string; params?: Record<string, unknown> }>;
  entry?: Record<string, unknown>;
  exit?: Record<string, unknown>;
  sizing?: Record<string, unknown>;
  [k: string]: unknown;
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
      <h3 className="section">Sizing</h3>
      <div className="muted">
        <code>{JSON.stringify(doc.sizing ?? {})}</code>
      </div>
    </div>
  );
}
