import { useState } from 'react';
import { download } from '../../app/ui/csv.ts';
import { fileStamp } from '../../app/ui/filename.ts';
import { call } from '../../ipc/client.ts';
import { useNotices } from '../../state/notices.ts';

/** Exports the whole log: a signed bundle (verifiable offline), the HTML report, or the events table as CSV. */
export function ExportMenu() {
  const [busy, setBusy] = useState(false);
  const stamp = () => fileStamp(Date.now());
  const run = async (kind: string) => {
    setBusy(true);
    try {
      if (kind === 'bundle') {
        const r = await call('audit.export.bundle', { scope: {} });
        if (!r) return;
        download(`kestrel-audit-${stamp()}.jsonl`, r.text, 'application/x-ndjson');
        useNotices.getState().push({ level: 'info', title: 'Signed audit bundle exported', message: `${r.entries} entries · tree size ${r.treeHead.size} · key ${r.keyId}` });
      } else if (kind === 'html') {
        const r = await call('audit.export.html', { scope: {} });
        if (!r) return;
        download(`kestrel-audit-${stamp()}.html`, r.html, 'text/html');
        useNotices.getState().push({ level: 'info', title: 'Audit report exported', message: r.verified ? 'Chain verified in the report.' : 'The report says the chain did NOT verify.' });
      } else {
        const r = await call('audit.export.csv', { scope: {}, table: kind as 'events' | 'orders' | 'fills' | 'risk' });
        if (!r) return;
        download(`kestrel-audit-${kind}-${stamp()}.csv`, r.csv);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <select
      aria-label="Export audit"
      value=""
      disabled={busy}
      onChange={(e) => {
        if (e.target.value) void run(e.target.value);
      }}
    >
      <option value="">{busy ? 'Exporting…' : 'Export…'}</option>
      <option value="bundle">Signed bundle (.jsonl)</option>
      <option value="html">HTML report</option>
      <option value="events">Events (CSV)</option>
      <option value="orders">Orders (CSV)</option>
      <option value="fills">Fills (CSV)</option>
      <option value="risk">Risk events (CSV)</option>
    </select>
  );
}
