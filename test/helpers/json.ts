/**
 * A parsed JSON document (a template, an API description) read by path in a test: every step may be
 * missing, so tests use `?.` and let the assertion say what was not there, instead of casting to any.
 */
export type JsonTree = { readonly [key: string]: JsonTree | undefined } & { readonly length?: number };

export const jsonTree = (value: unknown) => value as JsonTree;
