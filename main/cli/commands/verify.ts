import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkBundleConsistency } from '../../core/audit/bundle-consistency.ts';
import { describeProblem, verifyBundle, type BundleReport } from '../../core/audit/bundle-verify.ts';
import { splitBundleBytes, type LineSource } from '../../core/audit/bundle.ts';
import { ed25519Check, KEY_FILE, loadOrCreateSigningKey } from '../../host/audit/keys.ts';
import { parseOptions, UsageError, type CliCommand } from '../command.ts';

function load(file: string, expectedKey: string | undefined): { lines: LineSource; report: BundleReport } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const lines = splitBundleBytes(bytes);
  return { lines, report: verifyBundle(lines, { checkSignature: ed25519Check, ...(expectedKey ? { expectedKey } : {}) }) };
}

function print(file: string, r: BundleReport): void {
  if (r.ok) {
    const h = r.header!;
    const t = r.trailer!;
    console.log(`OK ${file}`);
    console.log(`  entries     ${t.count} (seq ${h.from.seq + 1}..${t.head.seq})${Object.keys(h.scope).length ? `, scope ${JSON.stringify(h.scope)}` : ''}`);
    console.log(`  chain head  seq ${t.head.seq} ${t.head.hash}`);
    console.log(`  tree head   size ${t.treeHead.size} root ${t.treeHead.root}`);
    console.log(`  signature   Ed25519, key ${r.keyId} (${t.publicKey})`);
    for (const c of t.consistency) console.log(`  extends     tree size ${c.size} root ${c.root} (proof verified)`);
    return;
  }
  console.log(`FAILED ${file}: ${r.problems.length} problem(s)`);
  for (const p of r.problems) console.log(`  ${describeProblem(p)}`);
  const c = r.checks;
  console.log(`  checks: structure ${c.structure}, signature ${c.signature}, header ${c.header}, chain ${c.chain}, head ${c.head}, tree ${c.tree}, consistency ${c.consistency}`);
}

export const verify: CliCommand = {
  name: 'verify',
  summary: 'Verify a signed audit bundle offline: signature, hash chain, Merkle tree head; names the line and entry of every problem.',
  usage: 'kestrel verify BUNDLE [--key HEX | --data-dir DIR] [--since EARLIER_BUNDLE] [--json]',
  options: {
    key: { type: 'string', value: 'HEX', help: 'the Ed25519 public key the bundle must be signed with (64 hex digits)' },
    'data-dir': { type: 'string', value: 'DIR', help: "use this data directory's signing key as the expected key" },
    since: { type: 'string', value: 'EARLIER_BUNDLE', help: 'also check that BUNDLE extends this earlier one' },
    json: { type: 'boolean', default: false, help: 'print the report as JSON' },
  },
  async run(argv) {
    const parsed = parseOptions(argv, verify.options, { allowPositionals: true });
    const positionals = parsed.positionals;
    const values = parsed.values as { key?: string; 'data-dir'?: string; since?: string; json: boolean };
    if (positionals.length !== 1) throw new UsageError(`usage: ${verify.usage}`);
    let expectedKey = values.key?.toLowerCase();
    if (expectedKey !== undefined && !/^[0-9a-f]{64}$/.test(expectedKey)) throw new UsageError('--key must be the 32-byte Ed25519 public key in hex (64 digits)');
    if (!expectedKey && values['data-dir']) {
      if (!existsSync(join(values['data-dir'], KEY_FILE))) throw new UsageError(`no audit signing key in ${values['data-dir']}`);
      expectedKey = loadOrCreateSigningKey(values['data-dir']).publicKey;
    }
    const later = load(positionals[0]!, expectedKey);
    const earlier = values.since ? load(values.since, expectedKey) : undefined;
    const consistency = earlier ? checkBundleConsistency(earlier.report, later.report, later.lines) : undefined;
    if (values.json) {
      console.log(JSON.stringify({ ok: later.report.ok && (consistency?.ok ?? true), problems: later.report.problems, checks: later.report.checks, keyId: later.report.keyId, treeHead: later.report.trailer?.treeHead, consistency }, null, 2));
    } else {
      if (earlier) print(values.since!, earlier.report);
      print(positionals[0]!, later.report);
      if (consistency) console.log(`${consistency.ok ? 'CONSISTENT' : 'INCONSISTENT'}: ${consistency.message}`);
    }
    return later.report.ok && (consistency?.ok ?? true) ? 0 : 1;
  },
};
