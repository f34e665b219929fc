import { useEffect, useRef, type ReactNode } from 'react';

export function ProgressBar({ done, total, label, testId }: { done: number; total: number; label: string; testId?: string }) {
  const pct = total > 0 ? Math.max(0, Math.min(100, (done / total) * 100)) : 0;
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} data-testid={testId}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text">{Math.round(pct)}%</span>
    </div>
  );
}

/** A modal confirmation: focus lands on the safe choice, Esc cancels, Enter on the focused button confirms. */
export function ConfirmDialog({ title, children, confirmLabel, danger, onConfirm, onCancel }: { title: string; children: ReactNode; confirmLabel: string; danger?: boolean; onConfirm(): void; onCancel(): void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onCancel())}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={title}>
        <h3>{title}</h3>
        <div className="modal-body">{children}</div>
        <div className="modal-actions">
          <button ref={cancel} onClick={onCancel}>
            Cancel
          </button>
          <button className={danger ? 'danger' : 'primary'} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

export function Stat({ label, value, cls, testId }: { label: string; value: ReactNode; cls?: string; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={`stat-value num ${cls ?? ''}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

export function Badge({ kind, children }: { kind: 'ok' | 'warn' | 'bad' | 'info' | 'muted'; children: ReactNode }) {
  return <span className={`badge badge-${kind}`}>{children}</span>;
}
