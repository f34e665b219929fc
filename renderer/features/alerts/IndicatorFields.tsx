import { useState } from 'react';
import type { AlertInput } from '../../../main/contract/alerts.ts';
import { RemoteError } from '../../../main/contract/errors.ts';
import { getClient } from '../../ipc/client.ts';
import { useNotices } from '../../state/notices.ts';

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'];
const DEFAULT_INDICATORS = '{ "rsi": { "name": "rsi", "params": { "period": 14 } } }';
const DEFAULT_WHEN = '{ "op": "lt", "a": "rsi", "b": 30 }';

interface Issue {
  path: string;
  message: string;
}

/** The indicator condition's form state: timeframe, the two DSL fragments, and the last refusal by field. */
export function useIndicatorForm() {
  const [timeframe, setTimeframe] = useState('1m');
  const [indicators, setIndicators] = useState(DEFAULT_INDICATORS);
  const [when, setWhen] = useState(DEFAULT_WHEN);
  const [issues, setIssues] = useState<Issue[]>([]);
  const create = async (symbol: string, name: string, rest: Omit<AlertInput, 'name' | 'condition'>): Promise<boolean> => {
    const parsed: Record<string, unknown> = {};
    const local: Issue[] = [];
    for (const [field, text] of [['indicators', indicators], ['when', when]] as const) {
      try {
        parsed[field] = JSON.parse(text) as unknown;
      } catch (e) {
        local.push({ path: `condition.${field}`, message: `not JSON: ${(e as Error).message}` });
      }
    }
    setIssues(local);
    if (local.length) return false;
    const condition = { kind: 'indicator' as const, symbol, timeframe, indicators: parsed.indicators as Record<string, unknown>, when: parsed.when };
    try {
      const v = await getClient().call('alerts.create', { name: name || `${symbol} ${timeframe}: ${conditionText(parsed.when)}`, condition, ...rest });
      useNotices.getState().push({ level: 'info', title: 'Alert created', message: v.name });
      return true;
    } catch (e) {
      const found = e instanceof RemoteError ? ((e.details?.issues as Issue[] | undefined) ?? []) : [];
      setIssues(found.length ? found : [{ path: '', message: e instanceof Error ? e.message : String(e) }]);
      return false;
    }
  };
  return { timeframe, setTimeframe, indicators, setIndicators, when, setWhen, issues, create };
}

/** Timeframe, indicator declarations and the condition, both in the rules DSL's JSON syntax (as in the Studio). */
export function IndicatorFields({ form }: { form: ReturnType<typeof useIndicatorForm> }) {
  return (
    <div className="alert-indicator">
      <select aria-label="Timeframe" value={form.timeframe} onChange={(e) => form.setTimeframe(e.target.value)}>
        {TIMEFRAMES.map((t) => <option key={t} value={t}>{t}</option>)}
      </select>
      <label className="field">
        <span>Indicators</span>
        <textarea aria-label="Indicators" rows={2} spellCheck={false} value={form.indicators} onChange={(e) => form.setIndicators(e.target.value)} />
      </label>
      <label className="field">
        <span>Condition (rules DSL)</span>
        <textarea aria-label="Indicator condition" rows={2} spellCheck={false} value={form.when} onChange={(e) => form.setWhen(e.target.value)} />
      </label>
      {form.issues.length > 0 && (
        <ul className="error-text" data-testid="alert-expression-error">
          {form.issues.map((i, k) => <li key={k}>{i.path ? `${i.path.replace(/^condition\./, '')}: ` : ''}{i.message}</li>)}
        </ul>
      )}
    </div>
  );
}

const OPS: Record<string, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤', crossesAbove: 'crosses above', crossesBelow: 'crosses below' };

/** A DSL condition as text (`rsi < 30`, `fast crosses above slow`); the host has validated it. */
export function conditionText(c: unknown): string {
  if (!c || typeof c !== 'object') return String(c);
  const o = c as { op?: string; a?: unknown; b?: unknown; of?: unknown; bars?: number };
  const operand = (x: unknown) => (x && typeof x === 'object' ? `${(x as { ref?: string }).ref}[${(x as { ago?: number }).ago} ago]` : String(x));
  if (o.op && o.op in OPS) return `${operand(o.a)} ${OPS[o.op]} ${operand(o.b)}`;
  if ((o.op === 'all' || o.op === 'any') && Array.isArray(o.of)) return o.of.map(conditionText).join(o.op === 'all' ? ' and ' : ' or ');
  if (o.op === 'not') return `not (${conditionText(o.of)})`;
  if (o.op === 'for') return `(${conditionText(o.of)}) for ${o.bars} bars`;
  return JSON.stringify(c);
}
