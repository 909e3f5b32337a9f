/** Where the console lives and how its pages link to each other (kept apart from the registry to avoid an import cycle). */
export const BASE = '/console';
export const href = (path: string) => `${BASE}${path}`;
