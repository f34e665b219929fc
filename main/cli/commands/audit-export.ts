import { readFileSync, writeFileSync } from 'node:fs';
import { splitBundleBytes } from '../../core/audit/bundle.ts';
import { verifyBundle } from '../../core/audit/bundle-verify.ts';
import { ed25519Check } from '../../host/audit/keys.ts';
import { AuditService, type ExportScope } from '../../host/audit/service.ts';
import { CSV_TABLES, type CsvTable } from '../../host/audit/report.ts';
import { defaultDataDir } from '../../host/paths.ts';
import { databasePaths, openLedger } from '../../storage/index.ts';
import { parseOptions, UsageError, type CliCommand } from '../command.ts';
import { cliVault } from '../passphrase.ts';

function time(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(t)) throw new UsageError(`${flag} must be epoch milliseconds or an ISO-8601 time, got ${v}`);
  return t;
}

export const auditExport: CliCommand = {
  name: 'audit-export',
  summary: 'Export the audit log of a session or time range: signed bundle, HTML report or CSV table.',
  usage: 'kestrel audit-export [--session ID] [--from T] [--to T] [--format bundle|html|csv] [--table events|orders|fills|risk] [--since EARLIER_BUNDLE] [--out FILE] [--data-dir DIR]',
  options: {
    session: { type: 'string', value: 'ID', help: 'one session (backtest run, paper or live session)', defaultHelp: 'every session' },
    from: { type: 'string', value: 'T', help: 'from this time (epoch ms or ISO-8601)' },
    to: { type: 'string', value: 'T', help: 'up to this time (epoch ms or ISO-8601)' },
    format: { type: 'string', default: 'bundle', value: 'bundle|html|csv', help: 'signed bundle, HTML report or CSV table' },
    table: { type: 'string', default: 'events', value: 'events|orders|fills|risk', help: 'the table of a CSV export' },
    since: { type: 'string', value: 'EARLIER_BUNDLE', help: 'an earlier bundle this export must extend (consistency proof)' },
    out: { type: 'string', value: 'FILE', help: 'write here', defaultHelp: 'stdout' },
    'data-dir': { type: 'string', value: 'DIR', help: 'the data directory', defaultHelp: 'the app data directory' },
  },
  async run(argv) {
    const values = parseOptions(argv, auditExport.options).values as { session?: string; from?: string; to?: string; format: string; table: string; since?: string; out?: string; 'data-dir'?: string };
    const format = values.format;
    if (!['bundle', 'html', 'csv'].includes(format)) throw new UsageError('--format must be bundle, html or csv');
    if (!CSV_TABLES.includes(values.table as CsvTable)) throw new UsageError(`--table must be one of ${CSV_TABLES.join(', ')}`);
    const fromTs = time(values.from, '--from');
    const toTs = time(values.to, '--to');
    const scope: ExportScope = { ...(values.session ? { session: values.session } : {}), ...(fromTs !== undefined ? { fromTs } : {}), ...(toTs !== undefined ? { toTs } : {}) };
    let since: ExportScope['since'];
    if (values.since) {
      const r = verifyBundle(splitBundleBytes(readFileSync(values.since)), { checkSignature: ed25519Check });
      if (!r.ok || !r.trailer) throw new UsageError(`--since ${values.since} does not verify; it cannot anchor a consistency proof`);
      since = r.trailer.treeHead;
    }
    const dataDir = values['data-dir'] ?? defaultDataDir();
    const ledger = openLedger(databasePaths(dataDir).ledger);
    try {
      const svc = new AuditService({ db: ledger.db, log: ledger.audit, dataDir, vault: await cliVault(dataDir) });
      let out: string;
      if (format === 'bundle') {
        const b = svc.exportBundle({ ...scope, ...(since ? { since } : {}) });
        out = b.text;
        console.error(`${b.entries} entries, tree head size ${b.treeHead.size} root ${b.treeHead.root}, key ${b.keyId}`);
      } else if (format === 'html') out = svc.exportHtml(scope).html;
      else out = svc.exportCsv(scope, values.table as CsvTable);
      if (values.out) {
        writeFileSync(values.out, out);
        console.error(`wrote ${values.out}`);
      } else process.stdout.write(out);
      return 0;
    } finally {
      ledger.db.close();
    }
  },
};
