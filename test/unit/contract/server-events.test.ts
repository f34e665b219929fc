/**
 * IpcServer.emit: every event is checked against the contract in tests; outside them the check is sampled
 * (the client parses every event it receives anyway), and a payload that breaks the contract is still
 * dropped and logged whenever it is checked.
 */
import { describe, expect, it } from 'vitest';
import type { HostMessage } from '../../../main/contract/index.ts';
import type { StreamUpdate } from '../../../main/contract/streams.ts';
import { IpcServer, defaultEventValidation, type EventValidation } from '../../../main/host/ipc/server.ts';
import { createLogger } from '../../../main/host/log.ts';
import type { createHandlers } from '../../../main/host/handlers/index.ts';

const good = (last: number): StreamUpdate => ({ venue: 'v', symbol: 'BTC/USDT', kind: 'ticker', ts: 1, last, bid: null, ask: null, high: null, low: null, open: null, changePct: null, baseVolume: null, quoteVolume: null });
// A string where the contract wants a number: a host bug.
const bad = (): StreamUpdate => ({ ...good(1), last: 'oops' }) as unknown as StreamUpdate;

function rig(validateEvents: EventValidation) {
  const sent: HostMessage[] = [];
  const errors: unknown[] = [];
  const log = createLogger('test', 'silent');
  log.error = ((o: unknown) => void errors.push(o)) as typeof log.error;
  const server = new IpcServer({} as ReturnType<typeof createHandlers>, log, { validateEvents });
  server.accept({ label: 't', send: (m) => void sent.push(m), onMessage: () => () => {}, onClose: () => () => {} });
  return { server, sent, errors };
}

describe('IpcServer.emit validation', () => {
  it('checks every event in tests and with KESTREL_VALIDATE_EVENTS=1, samples otherwise', () => {
    expect(defaultEventValidation({ VITEST: 'true' })).toBe('all');
    expect(defaultEventValidation({ KESTREL_VALIDATE_EVENTS: '1' })).toBe('all');
    expect(defaultEventValidation({})).toBe('sampled');
  });

  it('all: a payload that breaks the contract is dropped and logged, every time', () => {
    const r = rig('all');
    for (let i = 0; i < 300; i++) r.server.emit('streams.update', i % 2 ? bad() : good(i));
    expect(r.sent).toHaveLength(150);
    expect(r.errors).toHaveLength(150);
    expect(r.sent.every((m) => m.t === 'evt' && (m.p as { last: unknown }).last !== 'oops')).toBe(true);
  });

  it('sampled: the first 100 events of a channel and then one in 256 are checked', () => {
    const r = rig('sampled');
    for (let i = 1; i <= 100; i++) r.server.emit('streams.update', bad());
    expect(r.sent).toHaveLength(0);
    expect(r.errors).toHaveLength(100);
    // Past the first 100 unchecked events go out as built (the client still parses them before use)...
    for (let i = 101; i <= 255; i++) r.server.emit('streams.update', bad());
    expect(r.sent).toHaveLength(155);
    // ...and the 256th is checked again.
    r.server.emit('streams.update', bad());
    expect(r.sent).toHaveLength(155);
    expect(r.errors).toHaveLength(101);
    // Counted per channel: another channel starts with its own first 100.
    r.server.emit('streams.health', {} as never);
    expect(r.errors).toHaveLength(102);
  });
});
