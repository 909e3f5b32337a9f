/// <reference lib="dom" />
/**
 * Members: look-up by e-mail, member id or visitor id, then one member's data: audit chain with its
 * verification and who viewed the member, disclosures and visits.
 */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { AuditEntry } from '../api';
import { ErrorNote, Field, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { dateTime } from '../format';
import { useI18n, word } from '../i18n';
import { href } from '../pages-base';

type LookupKind = 'memberId' | 'email' | 'visitorId';

export function MembersPage() {
  const { t } = useI18n();
  const { route } = useLocation();
  const [kind, setKind] = useState<LookupKind>('memberId');
  const submit = (event: Event) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    if (!value) return;
    route(kind === 'memberId' ? href(`/members/${encodeURIComponent(value)}`) : href(`/members/${encodeURIComponent(`${kind}:${value}`)}`));
  };
  return (
    <section>
      <PageTitle>{t('memberLookup')}</PageTitle>
      <form onSubmit={submit} class="inline">
        <Field label={t('lookupBy')} id="lookup-kind">
          <select id="lookup-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as LookupKind)}>
            <option value="memberId">{t('byMemberId')}</option>
            <option value="email">{t('byEmail')}</option>
            <option value="visitorId">{t('byVisitorId')}</option>
          </select>
        </Field>
        <Field label={t('search')} id="q">
          {kind === 'email' ? <input id="q" name="q" required type="email" /> : <input id="q" name="q" required />}
        </Field>
        <button type="submit">{t('search')}</button>
      </form>
    </section>
  );
}

function AuditSection({ memberId }: { memberId: string }) {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const audit = useLoad(() => api.audit(memberId), [memberId]);
  const v = audit.data?.verification;
  const viewed = (audit.data?.entries ?? []).filter((e) => e.action === 'viewed' || e.action.endsWith('.viewed'));
  const rows = (entries: AuditEntry[]) => (
    <tbody>
      {entries.map((e) => (
        <tr key={e.seq}>
          <td>{e.seq}</td>
          <td>
            <time dateTime={e.at}>{dateTime(e.at, lang)}</time>
          </td>
          <td>{e.action}</td>
          <td>{e.actor}</td>
        </tr>
      ))}
    </tbody>
  );
  const head = (
    <thead>
      <tr>
        <th scope="col">#</th>
        <th scope="col">{t('when')}</th>
        <th scope="col">{t('action')}</th>
        <th scope="col">{t('actor')}</th>
      </tr>
    </thead>
  );
  return (
    <>
      <section aria-labelledby="audit-h">
        <h2 id="audit-h">{t('auditTrail')}</h2>
        <button type="button" onClick={audit.reload}>
          {t('verifyChain')}
        </button>
        <ErrorNote error={audit.error} />
        {audit.loading ? <Loading /> : null}
        {v ? (
          <p class={v.ok ? 'ok' : 'bad'} role="status" data-testid="chain-verification">
            {v.ok ? `✓ ${t('chainOk', { n: v.entries })}` : `✗ ${t('chainBroken', { seq: v.firstBrokenSeq, reason: v.reason })}`}
          </p>
        ) : null}
        {audit.data?.entries.length ? (
          <table>
            <caption class="visually-hidden">{t('auditTrail')}</caption>
            {head}
            {rows(audit.data.entries)}
          </table>
        ) : null}
      </section>
      <section aria-labelledby="viewed-h">
        <h2 id="viewed-h">{t('whoViewed')}</h2>
        {viewed.length ? (
          <table data-testid="viewed">
            <caption class="visually-hidden">{t('whoViewed')}</caption>
            {head}
            {rows(viewed)}
          </table>
        ) : (
          <p>{t('nobodyViewed')}</p>
        )}
      </section>
    </>
  );
}

function DisclosuresSection({ memberId }: { memberId: string }) {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const list = useLoad(() => api.disclosures(memberId), [memberId]);
  return (
    <section aria-labelledby="disc-h">
      <h2 id="disc-h">{t('disclosures')}</h2>
      <ErrorNote error={list.error} />
      {list.data?.items.length ? (
        <ul>
          {list.data.items.map((d) => (
            <li key={d.id}>
              {dateTime(d.disclosedAt, lang)}: {d.recipient} ({word(t, `basis_${d.legalBasis}`, d.legalBasis)}){d.reference ? `, ${d.reference}` : ''}
            </li>
          ))}
        </ul>
      ) : list.data ? (
        <p>{t('none')}</p>
      ) : null}
    </section>
  );
}

function VisitsSection({ memberId }: { memberId: string }) {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const list = useLoad(() => api.visits(memberId), [memberId]);
  return (
    <section aria-labelledby="visits-h">
      <h2 id="visits-h">{t('visits')}</h2>
      <ErrorNote error={list.error} />
      {list.data?.items.length ? (
        <ul>
          {list.data.items.map((v, i) => (
            <li key={`${String(v.at)}-${i}`}>
              {typeof v.at === 'string' ? dateTime(v.at, lang) : ''} {String(v.type ?? '')} {String(v.path ?? '')}
            </li>
          ))}
        </ul>
      ) : list.data ? (
        <p>{t('none')}</p>
      ) : null}
    </section>
  );
}

export function MemberPage({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const memberId = params.id ?? '';
  return (
    <section>
      <PageTitle>
        {t('member')} {memberId}
      </PageTitle>
      <AuditSection memberId={memberId} />
      <DisclosuresSection memberId={memberId} />
      <VisitsSection memberId={memberId} />
    </section>
  );
}
