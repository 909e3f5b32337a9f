import { describe, expect, it } from 'vitest';
import { deadlineJobOf, registerJobOf } from '../../shared/schemas/deadline-jobs';

const requestJob = { v: 1, requestId: 'R-ABCDEFGH23', chainId: 'c-1', hop: 0, milestone: 'remind-2d', at: '2026-11-26T08:00:00.000Z' };
const registerJob = { v: 1, register: 'breach', entryId: 'B-ABCDEFGH23', chainId: 'c-1', hop: 3, milestone: 'escalate-60h', at: '2026-11-26T08:00:00Z' };

describe('deadline jobs on the queue', () => {
  it('takes the jobs the scheduler writes, each milestone form included', () => {
    expect(deadlineJobOf(requestJob)).toEqual(requestJob);
    for (const milestone of ['remind-0.5d', 'due', 'overdue-3']) expect(deadlineJobOf({ ...requestJob, milestone }), milestone).toBeDefined();
    expect(registerJobOf(registerJob)).toEqual(registerJob);
    for (const milestone of ['remind-24h', 'overdue-72h', 'expires-30d', 'expired'])
      expect(registerJobOf({ ...registerJob, register: 'processor', entryId: 'P-ABCDEFGH23', milestone }), milestone).toBeDefined();
  });

  it('refuses a body with a field missing, an extra field or a field out of its rule', () => {
    const { hop: _hop, ...withoutHop } = requestJob;
    const refused: unknown[] = [
      null,
      [],
      'job',
      withoutHop,
      { ...requestJob, extra: 1 },
      { ...requestJob, v: 2 },
      { ...requestJob, requestId: 'R-abcdefgh23' },
      { ...requestJob, chainId: '' },
      { ...requestJob, chainId: 'c'.repeat(65) },
      { ...requestJob, hop: -1 },
      { ...requestJob, hop: 1.5 },
      { ...requestJob, hop: '1' },
      { ...requestJob, milestone: 'remind-2h' },
      { ...requestJob, at: '2026-11-26' },
      { ...requestJob, at: '2026-11-26T08:00:00+07:00' },
      { ...requestJob, at: '2026-02-30T08:00:00Z' },
      { ...requestJob, at: '2026-11-26T24:00:00Z' },
    ];
    for (const body of refused) expect(deadlineJobOf(body), JSON.stringify(body)).toBeUndefined();
    for (const body of [{ ...registerJob, register: 'request' }, { ...registerJob, entryId: 'R-ABCDEFGH23' }, { ...registerJob, milestone: 'due' }, requestJob])
      expect(registerJobOf(body), JSON.stringify(body)).toBeUndefined();
  });

  it('takes 29 February in a leap year only', () => {
    expect(deadlineJobOf({ ...requestJob, at: '2028-02-29T00:00:00Z' })).toBeDefined();
    expect(deadlineJobOf({ ...requestJob, at: '2026-02-29T00:00:00Z' })).toBeUndefined();
  });
});
