/**
 * Production wiring: builds the ports from the runtime configuration (shared/config.ts), one module
 * per capability. A handler imports the capability module it uses, so its bundle and IAM policy stay
 * small; this index re-exports them all for scripts and tests.
 */
export * from './common';
export * from './consent';
export * from './deadlines';
export * from './fulfilment';
export * from './members';
export * from './orders';
export * from './policies';
export * from './requests';
export * from './subscriptions';
export * from './visits';
