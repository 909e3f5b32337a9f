/**
 * GET /v1/admin/requests/{id}/raw (staff): short-lived links to the raw mail of a request and of each
 * reply, for staff to open what the parsed text cannot show (attachments, HTML-only mail). The mail
 * stays in the inbound bucket for its lifetime; a link lives minutes.
 */
import { RAW_MAIL_URL_SECONDS, S3MailReader } from '../../shared/adapters/mail';
import { requestStore } from '../../shared/adapters/wiring/request-store';
import { requireEnv } from '../../shared/config';
import { NotFoundError } from '../../shared/domain/errors';
import type { RequestStore } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { BUCKETS } from '../../shared/resources';
import { getRawMailRoute } from '../../shared/routes';

export const makeHandler = (deps: { requests: Pick<RequestStore, 'get'>; mail: Pick<S3MailReader, 'rawMailUrl'> }) =>
  route({ ...getRawMailRoute.request, auth: getRawMailRoute.auth }).handler(async (event) => {
    const request = await deps.requests.get(event.input.path.id);
    if (!request) throw new NotFoundError('Request');
    const mails = [
      ...(request.rawMailKey ? [{ sesMessageId: request.sesMessageId ?? '', kind: 'request', key: request.rawMailKey }] : []),
      ...(request.replies ?? []).flatMap((r) => (r.rawMailKey ? [{ sesMessageId: r.sesMessageId, kind: 'reply', key: r.rawMailKey }] : [])),
    ];
    if (mails.length === 0) throw new NotFoundError('Raw mail of this request');
    const items = await Promise.all(mails.map(async ({ key, ...mail }) => ({ ...mail, url: await deps.mail.rawMailUrl(key) })));
    return ok({ items, expiresInSeconds: RAW_MAIL_URL_SECONDS });
  });

export const handler = makeHandler({
  requests: requestStore(),
  mail: new S3MailReader(requireEnv(BUCKETS.inboundMail.envVar), BUCKETS.inboundMail.keyPrefix),
});
