/**
 * GET /v1/unsubscribe?token=...: the link in a mail. Shows a small Thai/English page with one button;
 * opening it changes nothing (link scanners fetch links). A forged or altered token is a 400.
 */
import { secretKey } from '../../shared/adapters/secrets';
import { systemClock } from '../../shared/adapters/clock';
import { keyFromToken, type SubscriptionDeps } from '../../shared/domain/subscriptions';
import { page } from '../../shared/http/pages';
import { html } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { unsubscribePageRoute } from '../../shared/routes';

export const makeHandler = (deps: Pick<SubscriptionDeps, 'signingKey' | 'clock'>) =>
  route(unsubscribePageRoute.request).handler(async (event) => {
    const token = event.input.query.token;
    await keyFromToken(deps, token);
    // The same page for every valid token, known address or not: nothing here tells who is subscribed.
    return html(
      200,
      page(
        { th: 'ยกเลิกการรับข่าวสาร', en: 'Unsubscribe' },
        [{ th: 'กดปุ่มด้านล่างเพื่อยกเลิกการรับจดหมายข่าวและโปรโมชั่นทางอีเมล', en: 'Press the button to stop receiving newsletters and promotions by e-mail.' }],
        {
          action: `/v1/unsubscribe?token=${encodeURIComponent(token)}`,
          fields: { 'List-Unsubscribe': 'One-Click', source: 'page' },
          button: { th: 'ยกเลิกการรับข่าวสาร', en: 'Unsubscribe' },
        },
      ),
    );
  });

export const handler = makeHandler({ signingKey: secretKey('tokenKey'), clock: systemClock });
