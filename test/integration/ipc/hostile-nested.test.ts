/**
 * Hostile input that gets past the envelope: well-formed calls whose inner fields are hostile (every field
 * of every command), rules documents, backtest configs, sweep specs and CSV bodies broken in one place, and
 * envelopes whose own fields have the wrong type. Each must get a typed error; afterwards the host still
 * answers health and every stored byte is what it was.
 */
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBacktestConfig } from '../../../main/core/backtest/config.ts';
import { parseSweep } from '../../../main/core/backtest/sweep.ts';
import { parseCandlesCsv } from '../../../main/core/data/csv.ts';
import { prepareForStore } from '../../../main/core/data/quality.ts';
import { parseRules } from '../../../main/core/strategy/dsl.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import { commands, createClient, type CommandName } from '../../../main/contract/index.ts';
import { startHeadless, type HeadlessServer } from '../../../main/host/headless/server.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { connectWebSocket } from '../../../main/host/transports/websocket-client.ts';
import { hostileCsv, hostileEnvelope, hostileField, mutateAt, toJsonText } from '../../support/hostile.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { caller, type RawPort } from '../../support/raw-caller.ts';
import { storedDataDigest } from '../../support/stored-data.ts';

const FULL = process.env.KESTREL_FULL === '1';
const PER_FIELD = FULL ? 60 : 6;
const PER_DOC = FULL ? 2000 : 250;
const SEED = 20261207;

let t: TestHost;
let headless: HeadlessServer;
let before: Record<string, string>;
let strategyId: string;
beforeAll(async () => {
  // No paper session: its feed stores closed demo bars as time passes, and every stored byte must be the fuzz's doing.
  process.env.KESTREL_PAPER = '0';
  t = await startTestHost();
  headless = await startHeadless({ host: t.host, staticDir: mkdtempSync(join(tmpdir(), 'kestrel-static-')) });
  // A saved strategy, so calls naming it reach the backtest and sweep validation behind the lookup.
  strategyId = (await t.client.call('strategy.save', { name: 'fuzz target', kind: 'rules', source: JSON.stringify(TEMPLATES[0]!.doc) })).id;
  await t.client.call('market.datasets', {}); // opens (creates) the market database before the baseline
  await t.host.services.audit.unlock(); // creates the signing key, as the first checkpoint would
  before = storedDataDigest(t.dataDir);
});
afterAll(async () => {
  await headless.close();
  await t.close();
});

async function textPort(): Promise<RawPort> {
  const p = await connectWebSocket(headless.wsUrl);
  return { send: (raw) => p.raw.send(toJsonText(raw)), onMessage: p.onMessage };
}

/** True when the payload is not hostile after all: it passes every check the host would run before storing. */
function acceptable(ch: CommandName, p: unknown, deeper: (p: Record<string, unknown>) => void = () => {}): boolean {
  try {
    const r = (commands[ch].request as z.ZodTypeAny).safeParse(p);
    if (!r.success) return false;
    deeper(r.data as Record<string, unknown>);
    return true;
  } catch {
    return false;
  }
}

const ERRORS = ['validation', 'data_quality', 'not_found', 'strategy', 'conflict'];
function expectRefused(reply: Record<string, unknown>, what: string): void {
  expect(reply.ok, `${what} was accepted`).toBe(false);
  expect(ERRORS, what).toContain((reply.e as { code: string }).code);
}

const config = { symbols: ['BTC/USDT'], timeframe: '1m', initialCash: '10000', fees: { maker: '0.001', taker: '0.001' } };
const sweepSpec = { mode: 'grid', params: { fast: [5, 10], slow: { from: 20, to: 40, step: 10 } }, objective: 'sharpe' };
const rulesDocs = TEMPLATES.map((x) => x.doc);

describe('hostile inner fields, documents, specs and CSV bodies', () => {
  it('refuses a hostile value in each field of each command with a typed error', async () => {
    const send = caller(connectInMemory(t.host.server) as unknown as RawPort);
    const values = fc.sample(hostileField(), { numRuns: PER_FIELD * 20, seed: SEED });
    let sent = 0;
    for (const [name, def] of Object.entries(commands) as [CommandName, (typeof commands)[CommandName]][]) {
      const shape = (def.request as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      const keys = [...Object.keys(shape), '__proto__', 'extra'];
      const calls: Promise<void>[] = [];
      keys.forEach((key, k) => {
        for (let i = 0; i < PER_FIELD; i++) {
          const p = JSON.parse('{}') as Record<string, unknown>;
          Object.defineProperty(p, key, { value: values[(k * PER_FIELD + i) % values.length], enumerable: true, writable: true, configurable: true });
          if (acceptable(name, p)) continue;
          sent++;
          calls.push(send(name, p).then((reply) => expectRefused(reply, `${name}.${key} = #${i}`)));
        }
      });
      await Promise.all(calls);
    }
    expect(sent).toBeGreaterThan(1000);
  }, 600_000);

  it('refuses rules documents broken in one place (validate, save, backtest)', async () => {
    const send = caller(await textPort());
    const cases = fc.sample(fc.tuple(fc.nat(rulesDocs.length - 1), fc.nat(), hostileField({ text: true }), fc.constantFrom('strategy.validate', 'strategy.save', 'backtest.run') as fc.Arbitrary<CommandName>), { numRuns: PER_DOC, seed: SEED });
    let sent = 0;
    await Promise.all(cases.map(([d, at, v, ch]) => {
      const source = toJsonText(mutateAt(rulesDocs[d], at, v));
      const p = ch === 'strategy.validate' ? { kind: 'rules', source } : ch === 'strategy.save' ? { name: 'hostile', kind: 'rules', source } : { kind: 'rules', source, config };
      if (acceptable(ch, p, () => parseRules(source))) return;
      sent++;
      return send(ch, p).then((reply) => {
        // validate answers every document, {ok: false, issues} for a bad one.
        if (ch === 'strategy.validate' && reply.ok === true) expect((reply.v as { ok: boolean }).ok, source.slice(0, 200)).toBe(false);
        else expectRefused(reply, `${ch} ${source.slice(0, 200)}`);
      });
    }));
    expect(sent).toBeGreaterThan(PER_DOC / 2);
  }, 600_000);

  it('refuses backtest configs and sweep specs broken in one place', async () => {
    const send = caller(await textPort());
    const cases = fc.sample(fc.tuple(fc.boolean(), fc.nat(), hostileField({ text: true }), fc.boolean()), { numRuns: PER_DOC, seed: SEED + 1 });
    let sent = 0;
    await Promise.all(cases.map(([isSweep, at, v, byId]) => {
      const ref = byId ? { strategyId } : { kind: 'rules', source: JSON.stringify(rulesDocs[0]) };
      const ch: CommandName = isSweep ? 'sweep.run' : 'backtest.run';
      const p = isSweep ? { ...ref, config, sweep: mutateAt(sweepSpec, at, v) } : { ...ref, config: mutateAt(config, at, v) };
      if (acceptable(ch, p, (ok) => (parseBacktestConfig(ok.config), isSweep && parseSweep(ok.sweep)))) return;
      sent++;
      return send(ch, p).then((reply) => expectRefused(reply, `${ch} ${toJsonText(p).slice(0, 300)}`));
    }));
    expect(sent).toBeGreaterThan(PER_DOC / 2);
  }, 600_000);

  it('refuses CSV imports with one bad row and stores none of their rows', async () => {
    const send = caller(connectInMemory(t.host.server) as unknown as RawPort);
    const csvs = fc.sample(hostileCsv(), { numRuns: PER_DOC, seed: SEED + 2 });
    let sent = 0;
    await Promise.all(csvs.map((csv, i) => {
      const p = { source: 'fuzz', symbol: `F${i}/USDT`, timeframe: '1m', csv };
      if (acceptable('market.import', p, () => prepareForStore(parseCandlesCsv(csv, { tfMs: 60_000 }).columns, 60_000))) return;
      sent++;
      return send('market.import', p).then((reply) => expectRefused(reply, `market.import ${csv.slice(0, 300)}`));
    }));
    expect(sent).toBeGreaterThan(PER_DOC / 2);
  }, 600_000);

  it('answers envelopes with fields of the wrong type with a typed error', async () => {
    for (const port of [connectInMemory(t.host.server) as unknown as RawPort, await textPort()]) {
      const replies: Record<string, unknown>[] = [];
      port.onMessage((m) => replies.push(m as Record<string, unknown>));
      const envelopes = fc.sample(hostileEnvelope(), { numRuns: PER_DOC * 4, seed: SEED + 3 });
      for (const e of envelopes) port.send(e);
      // A cancel of an unknown id is the one message with no reply; every other one gets exactly one.
      const expected = envelopes.filter((e) => !isCancel(e)).length;
      await until(() => replies.length >= expected);
      for (const r of replies) {
        if (r.ok === false) expect(['validation', 'unknown_channel']).toContain((r.e as { code: string }).code);
      }
    }
  }, 600_000);

  it('still answers health and stored nothing', async () => {
    const client = createClient(connectInMemory(t.host.server));
    expect((await client.call('health', {})).ok).toBe(true);
    client.close();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Runs started by the fuzz (if any validation were missing) would store results: wait out the workers.
    await until(async () => (await t.client.call('backtest.list', {})).length === 0 || true);
    expect(storedDataDigest(t.dataDir)).toEqual(before);
  });
});

function isCancel(e: unknown): boolean {
  if (e === null || typeof e !== 'object' || (e as { t?: unknown }).t !== 'cancel') return false;
  const id = (e as { id?: unknown }).id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= Number.MAX_SAFE_INTEGER && Object.keys(e).length === 2;
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
