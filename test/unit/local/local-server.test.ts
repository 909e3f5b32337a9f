import { describe, expect, it } from 'vitest';
import { compileRoutes, toApiGatewayEvent } from '../../../scripts/lib/local-server';
import { apiGatewayClaims } from '../../../scripts/lib/local-staff-auth';
import { ROUTES } from '../../../shared/routes';

const route = ROUTES.find((r) => r.id === 'getConsent')!;
const request = (body: Buffer, contentType?: string) => ({
  method: 'POST',
  url: new URL('http://127.0.0.1:3000/v1/consents/abc?x=1&x=2'),
  headers: { ...(contentType ? { 'content-type': contentType } : {}), cookie: 'a=1; b=2', 'user-agent': 'UA' },
  body,
  sourceIp: '127.0.0.1',
});

describe('local server', () => {
  it('matches path templates and captures parameters', () => {
    const compiled = compileRoutes(ROUTES).find((c) => c.route.id === 'getConsent')!;
    expect(compiled.pattern.exec('/v1/consents/visitor-1')?.groups).toEqual({ visitorId: 'visitor-1' });
    expect(compiled.pattern.exec('/v1/consents/a/b')).toBeNull();
  });

  it('builds a payload v2 event as API Gateway does: route key, cookies, joined query values, source IP', () => {
    const event = toApiGatewayEvent(request(Buffer.from('{}'), 'application/json'), route, { visitorId: 'abc' });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /v1/consents/{visitorId}',
      rawPath: '/v1/consents/abc',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2' },
      pathParameters: { visitorId: 'abc' },
      body: '{}',
      isBase64Encoded: false,
    });
    expect(event.requestContext.http.sourceIp).toBe('127.0.0.1');
    expect(event.headers.cookie).toBeUndefined();
  });

  it('passes invalid UTF-8 and binary bodies base64-encoded', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00]);
    expect(toApiGatewayEvent(request(bytes, 'application/json'), route, {})).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    expect(toApiGatewayEvent(request(bytes, 'application/octet-stream'), route, {})).toMatchObject({ isBase64Encoded: true });
  });

  it('marks IAM routes with a local caller identity and public routes with none', () => {
    const machine = ROUTES.find((r) => r.auth === 'iam')!;
    const asMachine = toApiGatewayEvent(request(Buffer.alloc(0)), machine, {}).requestContext as unknown as { authorizer?: { iam: { userArn: string } } };
    expect(asMachine.authorizer?.iam.userArn).toMatch(/local-machine-caller/);
    expect((toApiGatewayEvent(request(Buffer.alloc(0)), route, {}).requestContext as unknown as { authorizer?: unknown }).authorizer).toBeUndefined();
  });

  it('passes a people route the verified claims as the JWT authoriser does, and an IAM route none of them', () => {
    const claims = apiGatewayClaims({ 'cognito:username': 'somsri.k', 'cognito:groups': ['staff', 'dpo'], exp: 1795577300, email_verified: true });
    expect(claims).toEqual({ 'cognito:username': 'somsri.k', 'cognito:groups': '[staff dpo]', exp: '1795577300', email_verified: 'true' });
    const people = ROUTES.find((r) => r.auth === 'staff')!;
    const ctx = toApiGatewayEvent(request(Buffer.alloc(0)), people, {}, [], claims).requestContext as unknown as { authorizer?: { jwt: { claims: unknown } } };
    expect(ctx.authorizer?.jwt.claims).toEqual(claims);
    const machine = ROUTES.find((r) => r.auth === 'iam')!;
    const asMachine = toApiGatewayEvent(request(Buffer.alloc(0)), machine, {}, [], claims).requestContext as unknown as { authorizer?: { jwt?: unknown } };
    expect(asMachine.authorizer?.jwt).toBeUndefined();
  });
});
