import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi';
import { openApiDocument } from '../../shared/openapi';
import { ROUTES } from '../../shared/routes';

describe('API description', () => {
  const doc = openApiDocument();

  it('lists every route of the route table with its method, and marks IAM routes', () => {
    for (const route of ROUTES) {
      const op = (doc.paths[route.path] as Record<string, any>)?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.operationId).toBe(route.id);
      expect(op.security).toEqual(route.auth === 'iam' ? [{ sigv4: [] }] : []);
    }
  });

  it('describes request bodies from the same zod schemas the handlers enforce', () => {
    const body = (doc.paths['/v1/consents'] as any).post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['visitorId', 'policyVersion', 'choices']));
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.choices.properties.necessary).toMatchObject({ const: true });
    const param = (doc.paths['/v1/consents/{visitorId}'] as any).get.parameters[0];
    expect(param).toMatchObject({ name: 'visitorId', in: 'path', required: true, schema: { pattern: '^[A-Za-z0-9_-]{8,128}$' } });
  });

  it('is committed in its current form (run `npm run openapi` after changing a route)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });
});
