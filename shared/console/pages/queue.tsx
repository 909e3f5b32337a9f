/// <reference lib="dom" />
/**
 * The request queue: counts at the top (open, due within 2 days, overdue), then one list by status,
 * soonest due first, filtered by type. Awaiting-confirmation and closed lists are one click away.
 */
import { useLocation } from 'preact-iso';
import type { QueueView } from '../../domain/request-queue';
import { REQUEST_TYPES } from '../../domain/request-types';
import { DaysLeft, ErrorNote, Field, ItemTable, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { dateTime } from '../format';
import { typeLabel, useI18n, word } from '../i18n';
import { href } from '../pages-base';

/** The lists a click away: open work first, then what waits for the requester, then what is closed. */
const VIEWS = ['open', 'awaiting_confirmation', 'closed'] as const satisfies readonly QueueView[];

export function QueuePage() {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const { query, route } = useLocation();
  const status: QueueView = (VIEWS as readonly string[]).includes(query.status ?? '') ? (query.status as QueueView) : 'open';
  const type = (REQUEST_TYPES as readonly string[]).includes(query.type ?? '') ? (query.type as (typeof REQUEST_TYPES)[number]) : '';
  const list = useLoad(() => api.queue(status, { type }), [status, type]);
  const items = list.data?.items;
  const c = list.data?.counts;
  const link = (s: QueueView, ty = type) => `${href('/queue')}?status=${s}${ty ? `&type=${ty}` : ''}`;

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
          {VIEWS.map((s) => (
            <li key={s}>
              <a href={link(s)} aria-current={s === status ? 'page' : undefined}>
                {word(t, `status_${s}`, s)}
                {s === 'awaiting_confirmation' && c ? ` (${c.awaitingConfirmation})` : ''}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <Field label={t('filterType')} id="type-filter">
        <select id="type-filter" value={type} onChange={(e) => route(link(status, (e.currentTarget as HTMLSelectElement).value as typeof type))}>
          <option value="">{t('allTypes')}</option>
          {REQUEST_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {typeLabel(ty, lang)}
            </option>
          ))}
        </select>
      </Field>
      <ErrorNote error={list.error} />
      {!items ? (
        list.error ? null : (
          <Loading />
        )
      ) : items.length === 0 ? (
        <p>{t('emptyQueue')}</p>
      ) : (
        <ItemTable
          className="queue"
          caption={word(t, `status_${status}`, status)}
          items={items}
          rowKey={(r) => r.id}
          rowClass={(r) => (r.overdue ? 'overdue' : '')}
          columns={[
            {
              header: t('reference'),
              rowHeader: true,
              cell: (r) => (
                <>
                  <a href={href(`/requests/${r.id}`)}>{r.id}</a>
                  {r.needsAttention ? <span class="badge">{t('replyWaiting')}</span> : null}
                </>
              ),
            },
            { header: t('type'), cell: (r) => typeLabel(r.type, lang) },
            { header: t('channel'), cell: (r) => word(t, `channel_${r.channel}`, r.channel) },
            { header: t('from'), cell: (r) => r.from },
            { header: t('received'), cell: (r) => dateTime(r.receivedAt, lang) },
            {
              header: status === 'closed' ? t('status') : t('daysLeft'),
              cell: (r) => (status === 'closed' ? word(t, `status_${r.status}`, r.status) : <DaysLeft days={r.daysLeft} />),
            },
            { header: t('identity'), cell: (r) => (r.identityConfirmed ? t('confirmed') : t('notConfirmed')) },
            { header: t('assign'), cell: (r) => r.assignee ?? '' },
          ]}
        />
      )}
    </section>
  );
}
