import { describe, expect, it, vi } from 'vitest';
import { commonEnvironment, stageFromCdkJson } from '../../infra/stage-config';
import { regexes } from 'zod/mini';
import { ConfigError, parseRuntimeConfig, RUNTIME_DEFAULTS } from '../../shared/config';
import { EMAIL_PATTERN } from '../../shared/schemas/common';

const settings = stageFromCdkJson('local');
const stageEnv = () => commonEnvironment(settings);

describe('runtime configuration', () => {
  it('takes every stage value from the environment the stage settings produce, and the tuning defaults from one place', () => {
    const config = parseRuntimeConfig(stageEnv());
    expect(config).toMatchObject({
      STAGE: 'local',
      CONSENT_TOKEN_DAYS: settings.consentTokenDays,
      VISIT_RETENTION_DAYS: settings.visitRetentionDays,
      DISPUTE_HOLD_DAYS: settings.disputeHoldDays,
      REQUEST_DUE_DAYS: settings.deadlines.requestDueDays,
      UNSUBSCRIBE_DUE_DAYS: settings.deadlines.unsubscribeDueDays,
      REMIND_DAYS_BEFORE: settings.deadlines.remindDaysBefore,
      MAILS_PER_ADDRESS_PER_DAY: settings.limits.mailsPerAddressPerDay,
      SHOP_NAME: settings.shopName,
      ...RUNTIME_DEFAULTS,
    });
  });

  it('fails naming each missing stage variable instead of falling back to a copy of its default', () => {
    const { CONSENT_TOKEN_DAYS: _a, REMIND_DAYS_BEFORE: _b, ...env } = stageEnv();
    expect(() => parseRuntimeConfig(env)).toThrow(ConfigError);
    expect(() => parseRuntimeConfig(env)).toThrow(/CONSENT_TOKEN_DAYS is not set; REMIND_DAYS_BEFORE is not set/);
  });

  it('checks addresses by the same pattern as the request schemas (zod\u2019s z.email())', () => {
    expect(EMAIL_PATTERN.source).toBe(regexes.email.source);
    expect(EMAIL_PATTERN.flags).toBe(regexes.email.flags);
  });

  it('treats an empty variable as unset', () => {
    expect(() => parseRuntimeConfig({ ...stageEnv(), SENDER_ADDRESS: '' })).toThrow(/SENDER_ADDRESS is not set/);
  });

  it('rejects malformed values by name', () => {
    expect(() => parseRuntimeConfig({ ...stageEnv(), VISIT_RETENTION_DAYS: '30d' })).toThrow(/VISIT_RETENTION_DAYS must be a positive integer/);
    expect(() => parseRuntimeConfig({ ...stageEnv(), LINK_DAYS: '0' })).toThrow(/LINK_DAYS must be a positive integer/);
    expect(() => parseRuntimeConfig({ ...stageEnv(), REMIND_DAYS_BEFORE: '2,,1' })).toThrow(/REMIND_DAYS_BEFORE must be a comma-separated list/);
    expect(() => parseRuntimeConfig({ ...stageEnv(), POLICY_CACHE_SECONDS: '-1' })).toThrow(/POLICY_CACHE_SECONDS must be a whole number/);
    expect(() => parseRuntimeConfig({ ...stageEnv(), ISP_SOURCE: 'guess' })).toThrow(/ISP_SOURCE must be one of none, cloudfront, maxmind \(got "guess"\)/);
    expect(() => parseRuntimeConfig({ ...stageEnv(), DPO_ADDRESS: 'dpo@localhost' })).toThrow(/DPO_ADDRESS must be an email address/);
  });

  it('answers every whole-number setting as a number and the reminder days as a list of numbers', () => {
    const config = parseRuntimeConfig({ ...stageEnv(), REMIND_DAYS_BEFORE: ' 2 , 0.5', LINK_DAYS: '007' }) as unknown as Record<string, unknown>;
    const numeric = Object.entries(stageEnv()).filter(([, raw]) => /^\d+$/.test(raw ?? ''));
    expect(numeric.length).toBeGreaterThan(5);
    for (const [name] of numeric) expect(typeof config[name], name).toBe('number');
    for (const name of Object.keys(RUNTIME_DEFAULTS)) expect(typeof config[name], name).toBe('number');
    expect(config.REMIND_DAYS_BEFORE).toEqual([2, 0.5]);
    expect(config.LINK_DAYS).toBe(7);
  });

  it('refuses a zero among the reminder days and a number too long to be exact in JavaScript', () => {
    expect(() => parseRuntimeConfig({ ...stageEnv(), REMIND_DAYS_BEFORE: '2,0' })).toThrow(
      /REMIND_DAYS_BEFORE must be a comma-separated list of positive numbers/,
    );
    expect(() => parseRuntimeConfig({ ...stageEnv(), REMIND_DAYS_BEFORE: '2,0.0' })).toThrow(/REMIND_DAYS_BEFORE must be/);
    expect(() => parseRuntimeConfig({ ...stageEnv(), VISIT_RETENTION_DAYS: '12345678901234567890' })).toThrow(
      /VISIT_RETENTION_DAYS must be a positive integer/,
    );
  });

  it('lets the local mode and tests override the tuning knobs, 0 included for the policy cache', () => {
    const config = parseRuntimeConfig({ ...stageEnv(), POLICY_CACHE_SECONDS: '0', MAX_JOB_DELAY_SECONDS: '2', STALE_CHAIN_MINUTES: '1' });
    expect(config).toMatchObject({ POLICY_CACHE_SECONDS: 0, MAX_JOB_DELAY_SECONDS: 2, STALE_CHAIN_MINUTES: 1 });
  });

  it('fails a handler\u2019s cold start, naming the variable, when the stage environment lacks one', async () => {
    const saved = process.env.CONSENT_TOKEN_DAYS;
    delete process.env.CONSENT_TOKEN_DAYS;
    vi.resetModules();
    try {
      await expect(import('../../functions/consent/capture-consent')).rejects.toThrow(/CONSENT_TOKEN_DAYS is not set/);
    } finally {
      process.env.CONSENT_TOKEN_DAYS = saved;
      vi.resetModules();
    }
  });
});
