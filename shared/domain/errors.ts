/**
 * Domain errors. Each has a stable `name` and `code`; the HTTP layer maps them to status codes in one
 * place (shared/http/errors.ts), so the domain never speaks HTTP.
 */
export interface Issue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that is well-formed but breaks a rule (e.g. names a policy version that does not exist). */
export class InvalidInputError extends DomainError {}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** The thing being created already exists and is different (not a retry). */
export class ConflictError extends DomainError {}

/** Too many uses of a limited resource (e.g. request submissions per source per day). */
export class RateLimitedError extends DomainError {
  constructor(message = 'Too many requests from this source today; try again tomorrow') {
    super('rate_limited', message);
  }
}

/**
 * Personal data was about to be shown but the record of who looked could not be written (policy 4):
 * the read does not happen. Transient; the caller may try again.
 */
export class AccessNotRecordedError extends DomainError {
  constructor() {
    super('access_not_recorded', 'The access could not be recorded, so nothing is shown; try again');
  }
}
