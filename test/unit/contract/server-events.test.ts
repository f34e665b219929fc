/**
 * IpcServer.emit: every event is checked against the contract in tests; outside them the check is sampled
 * (the client parses every event it receives anyway), and a payload that breaks the contract is still
 * dropped and logged whenever it is checked.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, type HostMessage } from '../../../main/contract/index.ts';
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

describe('IpcServer.emit fan-out', () => {
  it('encodes an event once for every binary client, still hands plain clients the message, and one failing client costs only its own send', () => {
    const server = new IpcServer({} as ReturnType<typeof createHandlers>, createLogger('test', 'silent'), { validateEvents: 'all' });
    const frames: Uint8Array[][] = [[], [], []];
    const plain: HostMessage[] = [];
    const conn = (label: string, sendFrame?: (f: Uint8Array) => void) => ({ label, send: (m: HostMessage) => void plain.push(m), ...(sendFrame ? { sendFrame } : {}), onMessage: () => () => {}, onClose: () => () => {} });
    server.accept(conn('a', (f) => void frames[0]!.push(f)));
    server.accept(conn('broken', () => { throw new Error('socket gone'); }));
    server.accept(conn('b', (f) => void frames[1]!.push(f)));
    server.accept(conn('electron'));
    server.emit('streams.update', good(7));
    server.emit('streams.update', good(8));
    expect(frames[0]).toHaveLength(2);
    expect(frames[1]).toHaveLength(2);
    // The same bytes for both binary clients: one encoding per event.
    expect(frames[1]![0]).toBe(frames[0]![0]);
    expect(frames[0]![0]).not.toBe(frames[0]![1]);
    expect((decodeFrame(frames[0]![1]!) as { p: { last: number } }).p.last).toBe(8);
    expect(plain.map((m) => (m as { p: { last: number } }).p.last)).toEqual([7, 8]);
  });
});
