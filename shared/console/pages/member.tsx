/// <reference lib="dom" />
/**
 * Members: look-up by e-mail, member id or visitor id, then everything about one member: profile and
 * status, consents with receipts and policy versions, marketing and how it changed, visits, orders,
 * requests, disclosures, the audit chain with its verification, and who viewed the member (opening
 * this page is itself recorded as a `viewed` entry by the API before it answers).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { AuditEntry, MemberView } from '../api';
import { ErrorNote, Field, ItemTable, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { date, dateTime } from '../format';
import { typeLabel, useI18n, word } from '../i18n';
import { actorWords, auditActionWords } from '../event-words';
import { href } from '../pages-base';

type LookupKind = 'memberId' | 'email' | 'visitorId';

export function MembersPage() {
  const { t } = useI18n();
  const { api } = useServices();
  const { route } = useLocation();
  const [kind, setKind] = useState<LookupKind>('email');
  const [error, setError] = useState<unknown>();
  const [none, setNone] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    if (!value) return;
    try {
      setError(undefined);
      setNone(false);
      const { items } = await api.findMembers({ [kind]: value });
      if (items[0]) route(href(`/members/${encodeURIComponent(items[0].memberId)}`));
      else setNone(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <PageTitle>{t('memberLookup')}</PageTitle>
      <form onSubmit={submit} class="inline">
        <Field label={t('lookupBy')} id="lookup-kind">
          <select id="lookup-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as LookupKind)}>
            <option value="email">{t('byEmail')}</option>
            <option value="memberId">{t('byMemberId')}</option>
            <option value="visitorId">{t('byVisitorId')}</option>
          </select>
        </Field>
        <Field label={t('search')} id="q">
          {kind === 'email' ? <input id="q" name="q" required type="email" /> : <input id="q" name="q" required />}
        </Field>
        <button type="submit">{t('search')}</button>
      </form>
      <ErrorNote error={error} />
      {none ? <p role="status">{t('noMemberFound')}</p> : null}
    </section>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
    </section>
  );
}

function AuditTable({
  entries,
  caption,
  testId,
}: {
  entries: { seq?: number; at: string; action: string; actor: string; what?: string }[];
  caption: string;
  testId?: string;
}) {
  const { t, lang } = useI18n();
  return (
    <ItemTable
      testId={testId}
      caption={caption}
      items={entries}
      rowKey={(e, i) => `${e.seq ?? i}-${e.at}`}
      columns={[
        { header: t('when'), cell: (e) => <time dateTime={e.at}>{dateTime(e.at, lang)}</time> },
        { header: t('action'), cell: (e) => auditActionWords(e.action, e.what, t) },
        { header: t('actor'), cell: (e) => actorWords(e.actor, t) },
      ]}
    />
  );
}

function MemberDetails({ view, onVerify }: { view: MemberView; onVerify(): void }) {
  const { t, lang } = useI18n();
  const m = view.member;
  const v = view.audit?.verification;
  const auditRows = (entries: AuditEntry[]) => entries.map((e) => ({ seq: e.seq, at: e.at, action: e.action, actor: e.actor }));
  return (
    <>
      <Section id="profile" title={t('profile')}>
        <dl class="facts">
          <dt>{t('byMemberId')}</dt>
          <dd>{m.memberId}</dd>
          <dt>{t('email')}</dt>
          <dd>{m.email}</dd>
          <dt>{t('name')}</dt>
          <dd>{m.name ?? '–'}</dd>
          <dt>{t('status')}</dt>
          <dd data-testid="member-status">{t(`member_${m.status}`, { until: date(m.holdUntil, lang) })}</dd>
          <dt>{t('since')}</dt>
          <dd>{date(m.createdAt, lang)}</dd>
        </dl>
      </Section>
      <Section id="consents" title={t('consents')}>
        {view.consents.length ? (
          <ul>
            {view.consents.map((c) => (
              <li key={c.visitorId}>
                {t('byVisitorId')} {c.visitorId}:
                <ul>
                  {c.receipts.map((r) => (
                    <li key={r.receiptId}>
                      {dateTime(r.recordedAt, lang)} · {t('version')} {r.policyVersion} · {t('cat_analytics')} {r.choices.analytics ? '✓' : '✗'} ·{' '}
                      {t('cat_marketing')} {r.choices.marketing ? '✓' : '✗'} · {r.receiptId}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('none')}</p>
        )}
      </Section>
      <Section id="marketing" title={t('marketing')}>
        <p>
          {view.marketing.suppressed
            ? t('suppressed', {
                at: dateTime(view.marketing.unsubscribedAt, lang),
                via: view.marketing.via ? word(t, `via_${view.marketing.via}`, view.marketing.via) : '?',
              })
            : view.marketing.optIn
              ? t('subscribed')
              : t('marketingOff')}
        </p>
        {view.marketing.history.length ? <AuditTable entries={auditRows(view.marketing.history)} caption={t('marketing')} /> : null}
      </Section>
      <Section id="visits" title={t('visits')}>
        {view.visits.items.length ? (
          <ul>
            {view.visits.items.map((visit, i) => (
              <li key={`${visit.at}-${i}`}>
                {dateTime(visit.at, lang)} {visit.type} {visit.path ?? ''}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('none')}</p>
        )}
      </Section>
      <Section id="orders" title={t('orders')}>
        {view.orders.length ? (
          <ul>
            {view.orders.map((o) => (
              <li key={o.orderId}>
                {date(o.orderedAt, lang)} · {o.orderId} · {o.amount} {o.currency}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('none')}</p>
        )}
      </Section>
      <Section id="requests" title={t('requests')}>
        {view.requests.length ? (
          <ul>
            {view.requests.map((r) => (
              <li key={r.id}>
                <a href={href(`/requests/${r.id}`)}>{r.id}</a> {typeLabel(r.type, lang)} · {word(t, `status_${r.status}`, r.status)} ·{' '}
                {date(r.receivedAt, lang)}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('none')}</p>
        )}
      </Section>
      <Section id="disclosures" title={t('disclosures')}>
        {view.disclosures.length ? (
          <ul>
            {view.disclosures.map((d) => (
              <li key={d.id}>
                {date(d.disclosedAt, lang)}: {d.recipient} ({word(t, `basis_${d.legalBasis}`, d.legalBasis)}){d.reference ? `, ${d.reference}` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('none')}</p>
        )}
      </Section>
      {/* The audit chain, its verification and who looked are the DPO's: the API sends them to the DPO only. */}
      {view.audit && v ? (
        <Section id="audit" title={t('auditTrail')}>
          <button type="button" onClick={onVerify}>
            {t('verifyChain')}
          </button>
          <p class={v.ok ? 'ok' : 'bad'} role="status" data-testid="chain-verification">
            {v.ok ? `✓ ${t('chainOk', { n: v.entries })}` : `✗ ${t('chainBroken', { seq: v.firstBrokenSeq, reason: v.reason })}`}
          </p>
          {view.audit.entries.length ? <AuditTable entries={auditRows(view.audit.entries)} caption={t('auditTrail')} /> : null}
        </Section>
      ) : null}
      {view.viewers ? (
        <Section id="viewed" title={t('whoViewed')}>
          {view.viewers.length ? (
            <AuditTable
              entries={view.viewers.map((w) => ({ at: w.at, action: 'viewed', what: w.what, actor: w.by }))}
              caption={t('whoViewed')}
              testId="viewed"
            />
          ) : (
            <p>{t('nobodyViewed')}</p>
          )}
        </Section>
      ) : null}
    </>
  );
}

export function MemberPage({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const { api } = useServices();
  const memberId = params.id ?? '';
  const view = useLoad(() => api.member(memberId), [memberId]);
  return (
    <section>
      <PageTitle>
        {t('member')} {memberId}
      </PageTitle>
      <ErrorNote error={view.error} />
      {view.data ? <MemberDetails view={view.data} onVerify={view.reload} /> : view.error ? null : <Loading />}
    </section>
  );
}
