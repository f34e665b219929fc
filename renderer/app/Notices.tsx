import { useNotices } from '../state/notices.ts';

export function Notices() {
  const items = useNotices((s) => s.items);
  const dismiss = useNotices((s) => s.dismiss);
  return (
    <div className="notices" role="status" aria-live="polite">
      {items.map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`} role={n.level === 'error' ? 'alert' : undefined}>
          <div className="notice-title">{n.title}</div>
          <div className="notice-message">{n.message}</div>
          <button className="ghost" onClick={() => dismiss(n.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
