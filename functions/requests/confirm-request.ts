/** POST /v1/requests/verify (form or JSON `{ token }`): the requester confirms; the request opens. */
import { requestDeps } from '../../shared/adapters/wiring/requests';
import { confirmRequest, type RequestDeps } from '../../shared/domain/request-service';
import { page } from '../../shared/http/pages';
import { html, ok, wantsHtml } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { confirmRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: RequestDeps) =>
  route({ ...confirmRequestRoute.request, acceptForm: true }).handler(async (event) => {
    const status = await confirmRequest(deps, event.input.body.token);
    if (!wantsHtml(event.headers)) return ok(status);
    const opened = status.status === 'open';
    return html(
      200,
      page({ th: `คำขอ ${status.requestId}`, en: `Request ${status.requestId}` }, [
        opened
          ? {
              th: 'ขอบคุณที่ยืนยัน เราได้รับคำขอของท่านแล้ว และจะตอบภายในวันที่กำหนด',
              en: 'Thank you for confirming. Your request is open and will be answered by its due date.',
            }
          : { th: 'เราได้ส่งผลการยืนยันไปยังอีเมลของท่านแล้ว', en: 'We have sent the outcome to your e-mail address.' },
      ]),
    );
  });

export const handler = makeHandler(requestDeps());
