/**
 * The `suppress` effect a request owes (request-effects.ts): put its address on the suppression list,
 * announce it to the shop's other mailers and tell the customer once. Only the functions that may owe
 * one pass it in (EffectDeps.applySuppression: intake of unsubscribe requests, the deadline worker that
 * enforces them, the sweep); the others then bundle neither the suppression list nor the unsubscribe notice.
 */
import { addressHash, outEvent } from './events-out';
import { normaliseEmail } from './members';
import { unsubscribeConfirmed } from './notices';
import type { Owed, SuppressPerformer } from './request-effects';
import { subscriberKey, type SubscriptionDeps } from './subscriptions';

/** The performer over a suppression list; `subscriptionsOf` is called on first use, so a list built lazily stays so. */
export const suppressEffect =
  (subscriptionsOf: () => Pick<SubscriptionDeps, 'subscriptions' | 'settings'>): SuppressPerformer =>
  async (deps, request, effect) => {
    // As `unsubscribe` does, except that the customer's one notice becomes an owed mail instead of
    // a send after the once-only mark: a failed send then stays owed rather than being lost.
    const { subscriptions, settings } = subscriptionsOf();
    const email = normaliseEmail(request.email);
    const key = subscriberKey(email);
    const now = deps.clock.now();
    // Named by the request: its owed event below announces it, so the subscriptions stream does not.
    await subscriptions.suppress(key, email, effect.via, now, request.id);
    // The newsletter sender and the shop's other mailers stop too (they match the address's hash).
    const announced: Owed = {
      id: 'event:address.suppressed',
      kind: 'event',
      events: [
        outEvent(
          {
            type: 'address.suppressed',
            addressHash: addressHash(email),
            ...(request.memberId ? { memberId: request.memberId } : {}),
            via: effect.via,
            requestId: request.id,
          },
          `${request.id}:suppressed`,
          now,
        ),
      ],
    };
    if (!(await subscriptions.markConfirmed(key, now))) return [announced];
    return [
      announced,
      {
        id: 'mail:unsubscribed',
        kind: 'mail',
        mail: { to: email, ...unsubscribeConfirmed({ via: effect.via, shopName: settings.shopName }, effect.locale) },
      },
    ];
  };
