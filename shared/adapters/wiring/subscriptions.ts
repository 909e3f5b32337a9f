/** The suppression list (policy 6): reads, unsubscribe links, and unsubscribing with its confirmation mail. */
import { tableName } from '../../config';
import { subscriberKey, unsubscribe } from '../../domain/subscriptions';
import { systemClock } from '../clock';
import { documentClient } from '../dynamodb';
import { secretKey } from '../secrets';
import { DynamoSubscriptionStore } from '../subscription-store';
import { mailer, mailSettings } from './common';

const subscriptionStore = () => new DynamoSubscriptionStore(documentClient(), tableName('subscriptions'));

/** Reading the suppression list needs neither a mailer nor a key. */
export const subscriptionReadDeps = () => ({ subscriptions: subscriptionStore() });

/** Issuing links needs the store and the key, not the mailer. */
export const linkDeps = () => ({
  ...subscriptionReadDeps(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  settings: mailSettings(),
});

/**
 * Suppressing an address and sending its unsubscribe notice need no key: what the deadline worker
 * and the sweep use (they are granted none), so they bundle no secret reader.
 */
export const noticeDeps = () => ({
  subscriptions: subscriptionStore(),
  mailer: mailer(),
  clock: systemClock,
  settings: mailSettings(),
});

export const subscriptionDeps = () => ({ ...noticeDeps(), signingKey: secretKey('tokenKey') });

/**
 * Unsubscribes an address on behalf of staff or a job: the hook other capabilities call. Built on
 * first use, so a function that never unsubscribes needs neither the table nor its grant.
 */
export const suppressor = () => {
  let deps: ReturnType<typeof subscriptionDeps> | undefined;
  return async (email: string, via: 'staff' | 'account-cancelled') => {
    deps ??= subscriptionDeps();
    const result = await unsubscribe(deps, { key: subscriberKey(email), email }, via);
    // The suppression holds; failing the call lets its caller's retry send the notice still owed.
    if (result.noticeFailure) throw result.noticeFailure;
    return result;
  };
};
