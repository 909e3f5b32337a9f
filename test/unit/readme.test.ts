/**
 * The README stays a true map for a newcomer: every file and route its policy-clause table names
 * exists, and every table, bucket, queue and stage setting the code declares is described.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, STAGE_SETTING_NAMES } from '../../infra/stage-config';
import { BUCKETS, QUEUES, TABLES } from '../../shared/resources';
import { ROUTES, routeKey } from '../../shared/routes';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

describe('README', () => {
  const clauses = section('Where each policy clause lives');

  it('maps every policy clause, 1.1 to 7', () => {
    for (const clause of ['1.1', '1.2', '1.3', '2.1', '2.2', '3', '4', '5', '6', '7'])
      expect(clauses).toMatch(new RegExp(`\\n\\| ${clause.replace('.', '\\.')} `));
  });

  it('names only files that exist in its clause map', () => {
    const files = codeSpans(clauses).filter((span) => /^[\w.-]+(\/[\w.-]+)+\.\w+$/.test(span));
    expect(files.length).toBeGreaterThan(30);
    expect(files.filter((file) => !existsSync(join(REPO_ROOT, file)))).toEqual([]);
  });

  it('names only routes of the route table in its clause map', () => {
    const known = new Set(ROUTES.map(routeKey));
    // `GET`/`POST /v1/x` names two routes on one path.
    const named = [...clauses.matchAll(/`((?:GET|POST|PUT|DELETE)(?:`\/`(?:GET|POST|PUT|DELETE))*) (\/v1\/[^`]+)`/g)].flatMap((m) =>
      (m[1] ?? '').split('`/`').map((method) => `${method} ${m[2]}`),
    );
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((route) => !known.has(route))).toEqual([]);
  });

  it('describes every table, bucket and queue the code declares', () => {
    const architecture = section('Architecture');
    for (const def of [...Object.values(TABLES), ...Object.values(BUCKETS), ...Object.values(QUEUES)])
      expect(architecture).toMatch(new RegExp(`\\n\\| ${def.id}\\b`));
  });

  it('describes every stage setting', () => {
    const configuration = section('Configuration');
    expect(STAGE_SETTING_NAMES.filter((name) => !configuration.includes(`| \`${name}\``))).toEqual([]);
  });

  it('speaks of what exists, not of work still to come', () => {
    expect(readme).not.toMatch(/issues that follow/i);
  });
});
