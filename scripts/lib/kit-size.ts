/**
 * The storefront kit's weight as `GET /v1/kit.js` answers the URL pages embed, with a realistic policy
 * inside: minified bytes, gzipped bytes (level 9), and brotli bytes as its function serves them to
 * browsers. The bench prints these and its cost model prices the brotli bytes.
 */
import { gzipSync } from 'node:zlib';
import { baselinePolicyVersion, stageFromCdkJson } from '../../infra/stage-config';
import { policyInForce, type PolicyInForce } from '../../shared/domain/policy';
import { brotliOf } from '../../shared/storefront/kit-encoding';
import { kitWithPolicy } from '../../shared/storefront/kit-policy';

/**
 * The policy a kit answer typically carries: the prod stage's baseline as a published version that
 * changed a category, with a change summary in Thai and English of the length staff write.
 */
export function samplePolicy(): PolicyInForce {
  const baseline = baselinePolicyVersion(stageFromCdkJson('prod'));
  return policyInForce(
    [
      {
        ...baseline,
        version: '2026-11',
        changes: ['analytics'],
        summary: {
          th: 'เราเริ่มใช้คุกกี้วิเคราะห์ของผู้ให้บริการรายใหม่ และเก็บข้อมูลการเข้าชมสั้นลงเหลือ 180 วัน',
          en: 'We now use a new provider for analytics cookies and keep visit data for 180 days instead of 395.',
        },
      },
    ],
    new Date(Date.parse(baseline.effectiveAt) + 1),
  );
}

export function kitSize(policy: PolicyInForce | null = samplePolicy()): { minified: number; gzipped: number; brotli: number } {
  const code = kitWithPolicy(policy);
  const bytes = Buffer.from(code, 'utf8');
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length, brotli: brotliOf(code).length };
}
