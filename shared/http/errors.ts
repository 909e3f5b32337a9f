/**
 * One mapping from errors to HTTP answers. Every error body has the same machine-readable shape:
 * `{ "error": { "code", "message", "issues"? } }`. Details of unexpected (5xx) errors never leave.
 */
import { AccessNotRecordedError, ConflictError, DomainError, InvalidInputError, NotFoundError, RateLimitedError, type Issue } from '../domain/errors';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_BY_DOMAIN_ERROR: ReadonlyArray<readonly [abstract new (...args: never) => Error, number]> = [
  [InvalidInputError, 400],
  [NotFoundError, 404],
  [ConflictError, 409],
  [RateLimitedError, 429],
  [AccessNotRecordedError, 503],
];

export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; issues?: Issue[] } };
}

export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpError || error instanceof DomainError) {
    const status = error instanceof HttpError ? error.status : (STATUS_BY_DOMAIN_ERROR.find(([type]) => error instanceof type)?.[1] ?? 400);
    return {
      status,
      body: { error: { code: error.code, message: error.message, ...(error.issues.length ? { issues: error.issues } : {}) } },
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Internal error' } } };
}
