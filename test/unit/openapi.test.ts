import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi';
import { openApiDocument } from '../../shared/openapi';
import { ROUTES, routeKey } from '../../shared/routes';
import { jsonTree } from '../helpers/json';

describe('API description', () => {
  const doc = openApiDocument();

  it('lists every route of the route table with its method, and marks IAM and staff-token routes', () => {
    for (const route of ROUTES) {
      const op = jsonTree(doc.paths)[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op?.operationId).toBe(route.id);
      expect(op?.security).toEqual(route.auth === 'public' ? [] : route.auth === 'iam' ? [{ sigv4: [] }] : [{ staffToken: [] }]);
      if (route.auth === 'dpo') expect(op?.['x-staff-group']).toEqual(['dpo']);
    }
  });

  it('describes request bodies from the same zod schemas the handlers enforce', () => {
    const body = jsonTree(doc.paths)['/v1/consents']?.post?.requestBody?.content?.['application/json']?.schema;
    expect(body?.required).toEqual(expect.arrayContaining(['visitorId', 'policyVersion', 'choices']));
    expect(body?.additionalProperties).toBe(false);
    expect(body?.properties?.choices?.properties?.necessary).toMatchObject({ const: true });
    const param = jsonTree(doc.paths)['/v1/consents/{visitorId}']?.get?.parameters?.[0];
    expect(param).toMatchObject({ name: 'visitorId', in: 'path', required: true, schema: { pattern: '^[A-Za-z0-9_-]{8,128}$' } });
  });

  it('validates against the OpenAPI 3.1 schema, as committed and served', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('fails validation when an operation is malformed (the check above can fail)', async () => {
    const broken = structuredClone(doc);
    Object.assign(jsonTree(broken.paths)['/v1/health']?.get ?? {}, { responses: 'none' });
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('has exactly the route table\u2019s operations: none missing, none extra', () => {
    const committed = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(committed.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(ROUTES.map(routeKey).sort());
    expect(operations).toContain('GET /v1/kit.js');
  });

  it('is committed in its current form (run `npm run openapi` after changing a route)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });
});
