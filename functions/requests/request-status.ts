/**
 * GET /v1/requests/verify?token=...: the link in the confirmation mail. Shows the request's status
 * and, while it waits, a button that confirms it (a POST): opening the link alone changes nothing,
 * so mail scanners that follow links cannot confirm on the requester's behalf.
 */
import { requestStore } from '../../shared/adapters/wiring/request-store';
import { secretKey } from '../../shared/adapters/secrets';
import { systemClock } from '../../shared/adapters/clock';
import { REQUEST_TYPE_LABELS } from '../../shared/domain/request-types';
import { requestStatus, type RequestDeps } from '../../shared/domain/request-service';
import { page } from '../../shared/http/pages';
import { html, ok, wantsHtml } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { requestStatusRoute } from '../../shared/routes';

const STATUS_TEXT = {
  awaiting_confirmation: { th: 'รอการยืนยันจากท่าน', en: 'Waiting for your confirmation' },
  open: { th: 'กำลังดำเนินการ', en: 'Being handled' },
  done: { th: 'ดำเนินการเสร็จแล้ว', en: 'Done' },
  rejected: { th: 'ปฏิเสธคำขอ', en: 'Refused' },
  expired: { th: 'หมดอายุ เนื่องจากไม่ได้รับการยืนยัน', en: 'Expired: it was never confirmed' },
} as const;

export const makeHandler = (deps: Pick<RequestDeps, 'requests' | 'signingKey' | 'clock'>) =>
  route(requestStatusRoute.request).handler(async (event) => {
    const status = await requestStatus(deps, event.input.query.token);
    if (!wantsHtml(event.headers)) return ok(status);
    const label = REQUEST_TYPE_LABELS[status.type];
    const text = STATUS_TEXT[status.status];
    return html(
      200,
      page(
        { th: `คำขอ ${status.requestId}`, en: `Request ${status.requestId}` },
        [
          { th: `${label.th}: ${text.th}`, en: `${label.en}: ${text.en}` },
          { th: `ครบกำหนดตอบ ${status.dueAt.slice(0, 10)}`, en: `Answer due by ${status.dueAt.slice(0, 10)}` },
        ],
        status.status === 'awaiting_confirmation'
          ? { action: '/v1/requests/verify', fields: { token: event.input.query.token }, button: { th: 'ยืนยันคำขอ', en: 'Confirm this request' } }
          : undefined,
      ),
    );
  });

export const handler = makeHandler({ requests: requestStore(), signingKey: secretKey('tokenKey'), clock: systemClock });
