/**
 * POST /v1/unsubscribe?token=... with `List-Unsubscribe=One-Click` (RFC 8058; mail providers call it,
 * and our page's button posts the same): unsubscribes at once. Replays and unknown addresses answer
 * the same 200, so the endpoint reveals nothing; a forged token or a malformed body is a 400. A
 * failed confirmation mail still answers 200 (the address is suppressed) and is sent by the next click.
 */
import { subscriptionDeps } from '../../shared/adapters/wiring/subscriptions';
import { keyFromToken, unsubscribe, type SubscriptionDeps } from '../../shared/domain/subscriptions';
import { page } from '../../shared/http/pages';
import { html, ok, wantsHtml } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { log } from '../../shared/log';
import { oneClickUnsubscribeRoute } from '../../shared/routes';

export const makeHandler = (deps: SubscriptionDeps) =>
  route({ ...oneClickUnsubscribeRoute.request, acceptForm: true }).handler(async (event) => {
    const key = await keyFromToken(deps, event.input.query.token);
    const { noticeFailure } = await unsubscribe(deps, { key }, event.input.body.source === 'page' ? 'link' : 'one-click');
    // The suppression is applied, which is what the customer asked for; the notice stays owed and
    // the next click of the same link sends it. The error's name only: no address in the log.
    if (noticeFailure) log.error('unsubscribe notice owed', { error: (noticeFailure as Error)?.name });
    if (!wantsHtml(event.headers)) return ok({ unsubscribed: true });
    return html(
      200,
      page({ th: 'ยกเลิกการรับข่าวสารแล้ว', en: 'You are unsubscribed' }, [
        { th: 'ท่านจะไม่ได้รับจดหมายข่าวและโปรโมชั่นจากเราอีก', en: 'You will no longer receive our newsletters and promotions.' },
      ]),
    );
  });

export const handler = makeHandler(subscriptionDeps());
