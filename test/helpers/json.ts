/**
 * A parsed JSON document (a template, an API description) read by path in a test: every step may be
 * missing, so tests use `?.` and let the assertion say what was not there, instead of casting to any.
 */
export type JsonTree = { readonly [key: string]: JsonTree | undefined } & { readonly length?: number };

export const jsonTree = (value: unknown) => value as JsonTree;

/**
 * A parsed JSON answer (an HTTP body, a stored item, a template resource) whose shape the test's own
 * assertions check: the one place tests opt out of static types, so a wrong path fails as an
 * assertion rather than needing a cast at every step.
 */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON under test; the assertions are its type check
export type Json = any;
