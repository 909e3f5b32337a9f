/**
 * The linter run by `npm test` catches the defects it is there for: unused imports and variables,
 * floating promises, focused or skipped tests, `any`. Probe files with one defect each are written
 * inside the project (type-aware rules only run on project files) and removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/stage-config';

const PROBES = {
  'unused-import.ts': "import { readFileSync } from 'node:fs';\nexport const answer = 42;\n",
  'unused-variable.ts': 'export function f() {\n  const unused = 1;\n  return 2;\n}\n',
  'floating-promise.ts': 'async function save(): Promise<void> {}\nexport function run() {\n  save();\n}\n',
  'explicit-any.ts': 'export const value: any = 1;\n',
  'focused.test.ts': "import { it } from 'vitest';\nit.only('runs alone', () => {});\n",
  'skipped.test.ts': "import { it } from 'vitest';\nit.skip('never runs', () => {});\n",
  'clean.ts': 'export async function save(): Promise<void> {}\nexport async function run() {\n  await save();\n}\n',
} as const;

let dir: string;
let findings: Map<string, string[]>;

beforeAll(() => {
  dir = mkdtempSync(join(REPO_ROOT, 'test', '.lint-probe-'));
  for (const [name, source] of Object.entries(PROBES)) writeFileSync(join(dir, name), source);
  let report: string;
  try {
    report = execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'biome'), ['lint', '--reporter=json', relative(REPO_ROOT, dir)], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    // Findings make biome exit 1; the report is still on stdout.
    report = (error as { stdout: string }).stdout;
  }
  const diagnostics = (JSON.parse(report) as { diagnostics: { category: string; location: { path: string } }[] }).diagnostics;
  findings = new Map();
  for (const d of diagnostics) {
    const file = d.location.path.split('/').at(-1) ?? '';
    findings.set(file, [...(findings.get(file) ?? []), d.category]);
  }
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lint rules', () => {
  it.each([
    ['unused-import.ts', 'lint/correctness/noUnusedImports'],
    ['unused-variable.ts', 'lint/correctness/noUnusedVariables'],
    ['floating-promise.ts', 'lint/nursery/noFloatingPromises'],
    ['explicit-any.ts', 'lint/suspicious/noExplicitAny'],
    ['focused.test.ts', 'lint/suspicious/noFocusedTests'],
    ['skipped.test.ts', 'lint/suspicious/noSkippedTests'],
  ])('flags %s as %s', (file, rule) => {
    expect(findings.get(file)).toContain(rule);
  });

  it('passes code that awaits its promises and uses what it declares', () => {
    expect(findings.get('clean.ts')).toBeUndefined();
  });
});
