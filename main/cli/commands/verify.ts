import { readFileSync } from 'node:fs';
import { checkBundleConsistency } from '../../core/audit/bundle-consistency.ts';
import { describeProblem, verifyBundle, type BundleReport } from '../../core/audit/bundle-verify.ts';
import { splitBundleBytes, type LineSource } from '../../core/audit/bundle.ts';
import { keyId } from '../../core/audit/bundle-verify.ts';
import { ed25519Check, readPublicKey } from '../../host/audit/keys.ts';
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

/**
 * Who signed, and why that signer is trusted. A valid signature alone proves nothing: anyone can sign a
 * bundle with a fresh key. Trust comes from a pinned key (--key, or --data-dir reading the public key of
 * the data directory that made it) or from an earlier export the user already trusts (--since), whose key
 * must be the same and whose tree head this bundle must extend.
 */
function trust(signer: string | undefined, pinned: { key: string; how: string } | undefined, since: { file: string; key: string | undefined; consistent: boolean } | undefined): { ok: boolean; line: string } {
  if (!signer) return { ok: false, line: 'UNTRUSTED: the bundle names no valid signer' };
  if (pinned) return pinned.key === signer ? { ok: true, line: `TRUSTED: signer matches the key pinned by ${pinned.how}` } : { ok: false, line: `UNTRUSTED: signer ${keyId(signer)} is not the key pinned by ${pinned.how} (${keyId(pinned.key)})` };
  if (since) {
    if (since.key !== signer) return { ok: false, line: `UNTRUSTED: signer ${keyId(signer)} is not the signer of the earlier export ${since.file} (${since.key ? keyId(since.key) : 'none'})` };
    return since.consistent ? { ok: true, line: `TRUSTED: same signer as the earlier export ${since.file}, whose tree head this bundle extends` } : { ok: false, line: `UNTRUSTED: same signer as ${since.file}, but this bundle does not extend its tree head` };
  }
  return { ok: false, line: 'UNTRUSTED: the signature is valid, but nothing says whose key this is. Pin it with --key HEX (the fingerprint the app shows) or --data-dir DIR, or verify against an earlier export you trust with --since FILE.' };
}

export const verify: CliCommand = {
  name: 'verify',
  summary: 'Verify a signed audit bundle offline: signature, hash chain, Merkle tree head, and that its signer is pinned (--key/--data-dir) or extends an earlier trusted export (--since).',
  usage: 'kestrel verify BUNDLE (--key HEX | --data-dir DIR | --since EARLIER_BUNDLE) [--json]',
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
    let pinned: { key: string; how: string } | undefined;
    if (values.key !== undefined) {
      const k = values.key.toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(k)) throw new UsageError('--key must be the 32-byte Ed25519 public key in hex (64 digits)');
      pinned = { key: k, how: '--key' };
    } else if (values['data-dir']) {
      const k = readPublicKey(values['data-dir']);
      if (!k) throw new UsageError(`no audit signing key in ${values['data-dir']}`);
      pinned = { key: k, how: `--data-dir ${values['data-dir']}` };
    }
    const later = load(positionals[0]!, pinned?.key);
    const earlier = values.since ? load(values.since, pinned?.key) : undefined;
    const consistency = earlier ? checkBundleConsistency(earlier.report, later.report, later.lines) : undefined;
    const signer = later.report.trailer?.publicKey;
    const t = trust(signer, pinned, earlier ? { file: values.since!, key: earlier.report.trailer?.publicKey, consistent: consistency?.ok ?? false } : undefined);
    const ok = later.report.ok && (consistency?.ok ?? true) && t.ok;
    if (values.json) {
      console.log(JSON.stringify({ ok, trusted: t.ok, trust: t.line, signer: signer ? { keyId: keyId(signer), publicKey: signer } : null, problems: later.report.problems, checks: later.report.checks, keyId: later.report.keyId, treeHead: later.report.trailer?.treeHead, consistency }, null, 2));
    } else {
      // The signer first: the one fact a reader must compare with what they expect.
      console.log(`Signer fingerprint: ${signer ? keyId(signer) : '(none)'}${signer ? `   (Ed25519 public key ${signer})` : ''}`);
      console.log(t.line);
      if (earlier) print(values.since!, earlier.report);
      print(positionals[0]!, later.report);
      if (consistency) console.log(`${consistency.ok ? 'CONSISTENT' : 'INCONSISTENT'}: ${consistency.message}`);
    }
    return ok ? 0 : 1;
  },
};
