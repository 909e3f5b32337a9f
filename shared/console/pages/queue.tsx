/// <reference lib="dom" />
/**
 * The request queue: counts at the top (open, due within 2 days, overdue), then one list by status,
 * soonest due first, filtered by type. Awaiting-confirmation and closed lists are one click away.
 */
import { useLocation } from 'preact-iso';
import { REQUEST_TYPES } from '../../domain/request-types';
import { REQUEST_STATUSES, type RequestStatus } from '../../domain/requests';
import type { Api, QueueItem } from '../api';
import { DaysLeft, ErrorNote, Field, Loading, PageTitle, useLoad } from '../components';
import { daysLeft, dateTime } from '../format';
import { typeLabel, useI18n, word } from '../i18n';
import { href } from '../pages-base';
import { useServices } from '../context';

/** Every page of one status (the queue is small: open requests are days of work, not thousands). */
async function allOf(api: Api, status: RequestStatus): Promise<QueueItem[]> {
  const items: QueueItem[] = [];
  let next: string | undefined;
  for (let page = 0; page < 20; page++) {
    const answer = await api.queue(status, next);
    items.push(...answer.items);
    next = answer.next;
    if (!next) break;
  }
  return items;
}

export function counts(open: QueueItem[], now = Date.now()) {
  const left = open.map((r) => daysLeft(r.dueAt, now));
  return { open: open.length, dueSoon: left.filter((n) => n >= 0 && n <= 2).length, overdue: left.filter((n) => n < 0).length };
}

export function QueuePage() {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const { query, route } = useLocation();
  const status = (REQUEST_STATUSES as readonly string[]).includes(query.status ?? '') ? (query.status as RequestStatus) : 'open';
  const type = query.type ?? '';
  const open = useLoad(() => allOf(api, 'open'), []);
  const list = useLoad(() => (status === 'open' ? Promise.resolve(undefined) : allOf(api, status)), [status]);
  const items = (status === 'open' ? open.data : list.data)?.filter((r) => !type || r.type === type);
  const c = open.data ? counts(open.data) : undefined;
  const link = (s: RequestStatus, ty = type) => `${href('/queue')}?status=${s}${ty ? `&type=${ty}` : ''}`;

  return (
    <section>
      <PageTitle>{t('navQueue')}</PageTitle>
      <dl class="counts">
        <div>
          <dt>{t('countOpen')}</dt>
          <dd data-testid="count-open">{c?.open ?? '…'}</dd>
        </div>
        <div>
          <dt>{t('countDueSoon')}</dt>
          <dd data-testid="count-due-soon">{c?.dueSoon ?? '…'}</dd>
        </div>
        <div class={c?.overdue ? 'overdue' : ''}>
          <dt>{t('countOverdue')}</dt>
          <dd data-testid="count-overdue">{c?.overdue ?? '…'}</dd>
        </div>
      </dl>
      <nav aria-label={t('filterStatus')} class="tabs">
        <ul>
          {REQUEST_STATUSES.map((s) => (
            <li key={s}>
              <a href={link(s)} aria-current={s === status ? 'page' : undefined}>
                {word(t, `status_${s}`, s)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <Field label={t('filterType')} id="type-filter">
        <select id="type-filter" value={type} onChange={(e) => route(link(status, (e.currentTarget as HTMLSelectElement).value))}>
          <option value="">{t('allTypes')}</option>
          {REQUEST_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {typeLabel(ty, lang)}
            </option>
          ))}
        </select>
      </Field>
      <ErrorNote error={status === 'open' ? open.error : list.error} />
      {!items ? (
        <Loading />
      ) : items.length === 0 ? (
        <p>{t('emptyQueue')}</p>
      ) : (
        <table class="queue">
          <caption class="visually-hidden">{word(t, `status_${status}`, status)}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reference')}</th>
              <th scope="col">{t('type')}</th>
              <th scope="col">{t('channel')}</th>
              <th scope="col">{t('from')}</th>
              <th scope="col">{t('received')}</th>
              <th scope="col">{t('daysLeft')}</th>
              <th scope="col">{t('identity')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => {
              const closed = r.status !== 'open' && r.status !== 'awaiting_confirmation';
              const overdue = !closed && daysLeft(r.dueAt) < 0;
              return (
                <tr key={r.id} class={overdue ? 'overdue' : ''}>
                  <th scope="row">
                    <a href={href(`/requests/${r.id}`)}>{r.id}</a>
                    {r.needsAttention ? <span class="badge">{t('replyWaiting')}</span> : null}
                  </th>
                  <td>{typeLabel(r.type, lang)}</td>
                  <td>{word(t, `channel_${r.channel}`, r.channel)}</td>
                  <td>{r.email}</td>
                  <td>{dateTime(r.receivedAt, lang)}</td>
                  <td>
                    <DaysLeft dueAt={r.dueAt} closed={closed} />
                  </td>
                  <td>{r.verifiedAt ? t('confirmed') : t('notConfirmed')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
