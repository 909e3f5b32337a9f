/**
 * The API description (OpenAPI 3.1), generated from the route table and its zod schemas, so the
 * storefront's developers read the same shapes the handlers enforce.
 */
import * as z from 'zod/mini';
import { ROUTES, type RouteDef } from './routes';

const ErrorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Machine-readable reason, e.g. validation_failed' },
        message: { type: 'string' },
        issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

const jsonSchema = (schema: z.ZodMiniType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function operation(route: RouteDef) {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const pathSchema = route.request?.path ? (jsonSchema(route.request.path) as { properties?: Record<string, unknown> }) : undefined;
  const querySchema = route.request?.query ? (jsonSchema(route.request.query) as { properties?: Record<string, unknown>; required?: string[] }) : undefined;
  return {
    operationId: route.id,
    summary: route.summary,
    security: route.auth === 'public' ? [] : route.auth === 'iam' ? [{ sigv4: [] }] : [{ staffToken: [] }],
    ...(route.auth === 'staff' || route.auth === 'dpo' ? { 'x-staff-group': route.auth === 'dpo' ? ['dpo'] : ['staff', 'dpo'] } : {}),
    parameters: [
      ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: pathSchema?.properties?.[name] ?? { type: 'string' } })),
      ...Object.entries(querySchema?.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: querySchema?.required?.includes(name) ?? false,
        schema,
      })),
    ],
    ...(route.request?.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.request.body) } } } } : {}),
    responses: {
      '2XX': { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } },
      '4XX': { description: 'The request was refused; the body says why', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
    ...(route.throttle ? { 'x-throttle': route.throttle } : {}),
    // Not an API Gateway route: the storefront's CloudFront distribution (the kit's data-api) calls
    // the function's URL for this path; called at the API's own address it is not found.
    ...(route.edgeOrigin
      ? {
          description: 'Served through the storefront\u2019s CloudFront distribution only (the kit\u2019s data-api), not at the API\u2019s own address.',
          'x-edge-origin': route.edgeOrigin,
        }
      : {}),
  };
}

export function openApiDocument(routes: RouteDef[] = ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Shop privacy backend',
      version: '1',
      description: 'Consent, visit logging, data-subject requests and unsubscribe for the shop, per its privacy policy.',
    },
    paths,
    components: {
      schemas: { Error: ErrorBody },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (IAM), for machine callers: the storefront backend, the newsletter sender, partners',
        },
        staffToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The Cognito ID token of a signed-in person of the staff user pool; x-staff-group names the groups the route lets in',
        },
      },
    },
  };
}
