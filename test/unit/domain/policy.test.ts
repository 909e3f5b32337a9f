import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/domain/errors';
import { categoriesToRenew, consentablePolicy, currentPolicy, samePolicy } from '../../../shared/domain/policy';
import { policy } from '../../helpers/memory-stores';

const v1 = policy('2024-01', '2024-01-01T00:00:00+07:00');
const v2 = policy('2026-06', '2026-06-01T00:00:00Z', ['analytics']);
const v3 = policy('2027-01', '2027-01-01T00:00:00Z', ['marketing']);
const all = [v3, v1, v2];
const granted = { necessary: true as const, analytics: true, marketing: true };

describe('currentPolicy', () => {
  it('picks the latest version whose effective date has come, whatever the list order', () => {
    expect(currentPolicy(all, new Date('2026-11-25T00:00:00Z')).version).toBe('2026-06');
    expect(currentPolicy(all, new Date('2027-01-01T00:00:00Z')).version).toBe('2027-01');
    expect(currentPolicy(all, new Date('2025-01-01T00:00:00Z')).version).toBe('2024-01');
  });

  it('fails loudly when no version is in force (a missing baseline is a deployment bug)', () => {
    expect(() => currentPolicy([v3], new Date('2026-01-01T00:00:00Z'))).toThrow(/No policy version/);
  });
});

describe('consentablePolicy', () => {
  it('accepts a superseded version that is in force, since a cached page may still show it', () => {
    expect(consentablePolicy(all, '2024-01', new Date('2026-11-25T00:00:00Z'))).toBe(v1);
  });

  it('rejects a version that does not exist, naming the field', () => {
    const error = (() => {
      try {
        consentablePolicy(all, '1999-01', new Date());
      } catch (e) {
        return e;
      }
    })() as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.code).toBe('unknown_policy_version');
    expect(error.issues[0]?.path).toBe('policyVersion');
  });

  it('rejects a version published for a future date', () => {
    expect(() => consentablePolicy(all, '2027-01', new Date('2026-11-25T00:00:00Z'))).toThrow(/not in force/);
  });
});

describe('categoriesToRenew', () => {
  it('asks again only for the changed categories the visitor had granted', () => {
    const now = new Date('2027-02-01T00:00:00Z');
    expect(categoriesToRenew({ policyVersion: '2024-01', choices: granted }, all, now)).toEqual(['analytics', 'marketing']);
    expect(categoriesToRenew({ policyVersion: '2024-01', choices: { ...granted, marketing: false } }, all, now)).toEqual(['analytics']);
  });

  it('does not ask again for changes that are not in force yet', () => {
    expect(categoriesToRenew({ policyVersion: '2026-06', choices: granted }, all, new Date('2026-12-01T00:00:00Z'))).toEqual([]);
  });

  it('does not ask again for a change made before the consent was given', () => {
    expect(categoriesToRenew({ policyVersion: '2026-06', choices: granted }, all, new Date('2026-12-01T00:00:00Z'))).toEqual([]);
    expect(categoriesToRenew({ policyVersion: '2027-01', choices: granted }, all, new Date('2027-02-01T00:00:00Z'))).toEqual([]);
  });

  it('asks again for every granted category when the consent names an unknown version', () => {
    expect(categoriesToRenew({ policyVersion: 'gone', choices: { ...granted, analytics: false } }, all, new Date())).toEqual(['necessary', 'marketing']);
  });
});

describe('samePolicy', () => {
  it('treats equal instants in different offsets and reordered changes as the same version', () => {
    const a = { ...v2, changes: ['analytics', 'marketing'] as const, effectiveAt: '2026-06-01T07:00:00+07:00' };
    expect(samePolicy({ ...a, changes: [...a.changes] }, { ...v2, changes: ['marketing', 'analytics'] })).toBe(true);
    expect(samePolicy(v2, { ...v2, sha256: 'b'.repeat(64) })).toBe(false);
  });
});
