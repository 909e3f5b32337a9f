/** Typed access to the sample events under events/, cloned per call so tests cannot leak edits. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/stage-config';
import type { Json } from './json';

export function loadEvent<T = APIGatewayProxyEventV2>(source: string, name: string): T {
  return structuredClone(JSON.parse(readFileSync(join(REPO_ROOT, 'events', source, `${name}.json`), 'utf8'))) as T;
}

/** An API Gateway event from a sample, with the body (object -> JSON) and headers replaced as given. */
export function apiEvent(
  name: string,
  changes: {
    body?: unknown;
    rawBody?: string;
    isBase64Encoded?: boolean;
    headers?: Record<string, string | undefined>;
    pathParameters?: Record<string, string>;
  } = {},
): APIGatewayProxyEventV2 {
  const event = loadEvent('apigw', name);
  if ('body' in changes) event.body = JSON.stringify(changes.body);
  if ('rawBody' in changes) event.body = changes.rawBody;
  if (changes.isBase64Encoded !== undefined) event.isBase64Encoded = changes.isBase64Encoded;
  for (const [k, v] of Object.entries(changes.headers ?? {})) {
    if (v === undefined) delete event.headers[k];
    else event.headers[k] = v;
  }
  if (changes.pathParameters) event.pathParameters = changes.pathParameters;
  return event;
}

export const lambdaContext = { awsRequestId: 'test', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

type AnyHandler = (event: never, context: Context) => Promise<unknown>;

/** Invokes a handler and returns status, headers and the parsed JSON body. */
export async function invoke(handler: AnyHandler, event: APIGatewayProxyEventV2) {
  const result = (await handler(event as never, lambdaContext)) as APIGatewayProxyStructuredResultV2;
  const text = result.body ?? '';
  let json: Json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, body: json, text };
}
