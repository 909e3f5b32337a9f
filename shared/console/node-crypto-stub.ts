/**
 * Stands in for node:crypto in the console bundle (scripts/build-console.ts aliases it here): the
 * console imports constants and pure functions from shared/domain modules that also use node:crypto
 * for server-side work it never calls. Calling one of these is a bug, said loudly.
 */
const unavailable = (name: string) => () => {
  throw new Error(`node:crypto ${name} is not available in the browser`);
};
export const createHash = unavailable('createHash');
export const createHmac = unavailable('createHmac');
export const randomBytes = unavailable('randomBytes');
export const randomUUID = unavailable('randomUUID');
export const timingSafeEqual = unavailable('timingSafeEqual');
