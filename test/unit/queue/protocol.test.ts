import { describe, expect, it } from 'vitest';
import { readResult, JobData, PROTOCOL } from '../../../workers/queue/protocol.ts';
import { describe as where, redisOptions } from '../../../workers/queue/bullmq.ts';

const h = (c: string) => c.repeat(64);
const job = JobData.parse({ protocol: PROTOCOL, engine: h('a'), runId: '0a9b8c7d-1111-2222-3333-444455556666', config: {}, doc: h('b'), datasets: [h('c')], index: [4, 5], sets: [{ fast: 5 }, { fast: 6 }] });
const row = (fast: number, hash = h('d')) => ({ params: { fast }, status: 'ok', stats: { trades: 3, netProfit: '1.5', sharpe: null }, determinismHash: hash });
const result = (rows: unknown[], index: number[]) => ({ rows, index, worker: 'w1', computeMs: 12 });

describe('queue results are hostile input', () => {
  it('takes a result that answers exactly the job', () => {
    const r = readResult(result([row(6), row(5)], [5, 4]), job, 'j');
    expect(r.index).toEqual([5, 4]);
    expect(r.rows[1]!.params).toEqual({ fast: 5 });
    // BullMQ may hand back the JSON text.
    expect(readResult(JSON.stringify(result([row(5), row(6)], [4, 5])), job, 'j').rows).toHaveLength(2);
  });

  it.each([
    ['a missing row', result([row(5)], [4])],
    ['a set it was not given', result([row(5), row(6)], [4, 7])],
    ['a set answered twice', result([row(5), row(5)], [4, 4])],
    ['changed parameters', result([row(5), row(7)], [4, 5])],
    ['a malformed hash', result([row(5), row(6, 'nothex')], [4, 5])],
    ['an unknown status', result([{ ...row(5), status: 'great' }, row(6)], [4, 5])],
    ['statistics that are objects', result([{ ...row(5), stats: { trades: { $gt: 1 } } }, row(6)], [4, 5])],
    ['extra fields', { ...result([row(5), row(6)], [4, 5]), code: 'x' }],
    ['not JSON', '{"rows":'],
  ])('refuses %s', (_, raw) => {
    expect(() => readResult(raw, job, 'j')).toThrow(expect.objectContaining({ code: 'validation' }));
  });

  it('refuses a job whose sets and indices disagree', () => {
    expect(JobData.safeParse({ ...job, index: [1] }).success).toBe(false);
    expect(JobData.safeParse({ ...job, engine: 'zz' }).success).toBe(false);
  });
});

describe('queue URLs', () => {
  it('reads redis and rediss URLs and never names the password', () => {
    const o = redisOptions({ url: 'rediss://bob:s%3Acret@queue.example:6380/2' });
    expect(o).toMatchObject({ host: 'queue.example', port: 6380, db: 2, username: 'bob', password: 's:cret', tls: {} });
    expect(redisOptions({ url: 'redis://h', password: 'from-secret' }).password).toBe('from-secret');
    expect(where({ url: 'rediss://bob:s%3Acret@queue.example:6380/2' })).toBe('rediss://queue.example:6380');
  });

  it.each(['http://h:1', 'not a url', 'redis://h:1/x'])('refuses %s', (url) => {
    expect(() => redisOptions({ url })).toThrow(expect.objectContaining({ code: 'validation' }));
  });
});
