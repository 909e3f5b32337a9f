/// <reference lib="dom" />
/**
 * The breach register (DPO, PDPA s37(4)): record a suspected breach, see every breach with the time
 * left until the PDPC must be told (72 clock hours from when the shop learned of it) or that it is
 * overdue; on a breach's page, record the PDPC notification and the decision whether to tell the
 * people affected. Forms are checked with the routes' own schemas before they are sent.
 */
import { useState } from 'preact/hooks';
import type { Breach } from '../../domain/registers';
import { DATA_CATEGORY_KEYS, type DataCategory } from '../../processing';
import { BreachAssessmentInput, BreachInput, PdpcOutcomeInput, SubjectNoticeInput } from '../../schemas/registers';
import { ErrorNote, Field, ItemTable, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { dateTime } from '../format';
import { href } from '../pages-base';
import { actorWords, eventWords } from '../event-words';
import { bangkokInstant, issuesText, useRegisterWords } from './register-words';

const RISKS = ['low', 'medium', 'high'] as const;

/** Where a breach stands: PDPC told (or not required), overdue, or the hours left. */
function BreachStatus({ breach }: { breach: Breach }) {
  const { w } = useRegisterWords();
  if (breach.pdpc) return <span class="ok">{'notifiedAt' in breach.pdpc ? w('pdpcNotified') : w('pdpcNotRequired')}</span>;
  const hours = Math.floor((Date.parse(breach.notifyBy) - Date.now()) / 3_600_000);
  if (breach.overdue || hours < 0) return <strong class="overdue">{w('overdue')}</strong>;
  return <span class={hours <= 24 ? 'soon' : ''}>{w('hoursLeft', { n: hours })}</span>;
}

function CategoryChoices({ name, checked = [] }: { name: string; checked?: readonly DataCategory[] }) {
  const { w, category } = useRegisterWords();
  return (
    <fieldset>
      <legend>{w('categories')}</legend>
      {DATA_CATEGORY_KEYS.map((c) => (
        <label key={c}>
          <input type="checkbox" name={name} value={c} defaultChecked={checked.includes(c)} /> {category(c)}
        </label>
      ))}
    </fieldset>
  );
}

/** What happened, the data, how many and the risk: recorded with a breach, and corrected later on its page. */
function AssessmentFields({ current }: { current?: Breach }) {
  const { w } = useRegisterWords();
  return (
    <>
      <Field label={w('summary')} id="summary">
        <textarea id="summary" name="summary" rows={3} required maxLength={4000} defaultValue={current?.summary} />
      </Field>
      <CategoryChoices name="categories" checked={current?.categories} />
      <Field label={w('approxAffected')} id="approxAffected">
        <input id="approxAffected" name="approxAffected" type="number" min={0} required defaultValue={current ? String(current.approxAffected) : undefined} />
      </Field>
      <fieldset>
        <legend>{w('risk')}</legend>
        {RISKS.map((r) => (
          <label key={r}>
            <input type="radio" name="risk" value={r} required defaultChecked={current?.risk === r} /> {w(`risk_${r}`)}
          </label>
        ))}
      </fieldset>
      <Field label={w('riskAssessment')} id="riskAssessment">
        <textarea id="riskAssessment" name="riskAssessment" rows={3} required maxLength={4000} defaultValue={current?.riskAssessment} />
      </Field>
    </>
  );
}

/** The assessment fields of a submitted form, as the API takes them. */
function assessmentOf(data: FormData) {
  const text = (n: string) => String(data.get(n) ?? '').trim();
  return {
    summary: text('summary'),
    categories: data.getAll('categories').map(String) as DataCategory[],
    approxAffected: Number(text('approxAffected')),
    risk: text('risk'),
    riskAssessment: text('riskAssessment'),
  };
}

export function BreachesPage() {
  const { w, lang } = useRegisterWords();
  const { api } = useServices();
  const list = useLoad(() => api.call<{ items: Breach[] }>('GET', '/v1/admin/breaches'), []);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (n: string) => String(data.get(n) ?? '').trim();
    setSaved(undefined);
    const checked = BreachInput.safeParse({ learnedAt: bangkokInstant(text('learnedAt')), ...assessmentOf(data) });
    if (!checked.success) return setError(new Error(issuesText(checked.error.issues)));
    try {
      const breach = await api.call<Breach>('POST', '/v1/admin/breaches', { body: checked.data });
      setError(undefined);
      setSaved(breach.id);
      form.reset();
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <PageTitle>{w('breaches')}</PageTitle>
      <form onSubmit={submit} aria-labelledby="breach-h" class="card" data-testid="record-breach">
        <h2 id="breach-h">{w('recordBreach')}</h2>
        <Field label={w('learnedAt')} id="learnedAt">
          <input id="learnedAt" name="learnedAt" type="datetime-local" required />
        </Field>
        <AssessmentFields />
        <ErrorNote error={error} />
        {saved ? (
          <p class="notice" role="status">
            {w('recorded')}: <a href={href(`/registers/breaches/${saved}`)}>{saved}</a>
          </p>
        ) : null}
        <button type="submit">{w('recordBreach')}</button>
      </form>
      <ErrorNote error={list.error} />
      {list.data ? (
        list.data.items.length ? (
          <ItemTable
            testId="breaches"
            caption={w('breaches')}
            items={list.data.items}
            rowKey={(b) => b.id}
            columns={[
              { header: w('id'), cell: (b) => <a href={href(`/registers/breaches/${b.id}`)}>{b.id}</a> },
              { header: w('learnedAt'), cell: (b) => dateTime(b.learnedAt, lang) },
              { header: w('notifyBy'), cell: (b) => dateTime(b.notifyBy, lang) },
              { header: w('status'), cell: (b) => <BreachStatus breach={b} /> },
              { header: w('risk'), cell: (b) => w(`risk_${b.risk}`) },
              { header: w('approxAffected'), cell: (b) => b.approxAffected },
            ]}
          />
        ) : (
          <p>{w('none')}</p>
        )
      ) : list.error ? null : (
        <Loading />
      )}
    </section>
  );
}

export function BreachPage({ params }: { params: Record<string, string> }) {
  const { w, lang, category, t } = useRegisterWords();
  const { api } = useServices();
  const id = params.id ?? '';
  const breach = useLoad(() => api.call<Breach>('GET', `/v1/admin/breaches/${encodeURIComponent(id)}`), [id]);
  const [error, setError] = useState<unknown>();
  const [tell, setTell] = useState(true);

  const send = async (path: string, body: unknown, method: 'POST' | 'PUT' = 'POST') => {
    try {
      await api.call(method, `/v1/admin/breaches/${encodeURIComponent(id)}/${path}`, { body });
      setError(undefined);
      breach.reload();
    } catch (e) {
      setError(e);
    }
  };
  const pdpc = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (n: string) => String(data.get(n) ?? '').trim();
    const reason = text('notRequiredReason');
    const checked = PdpcOutcomeInput.safeParse(
      reason ? { notRequired: true, reason } : { notifiedAt: bangkokInstant(text('notifiedAt')), reference: text('pdpcReference') },
    );
    if (!checked.success) return setError(new Error(issuesText(checked.error.issues)));
    return send('pdpc-notification', checked.data);
  };
  const reassess = (event: Event) => {
    event.preventDefault();
    const checked = BreachAssessmentInput.safeParse(assessmentOf(new FormData(event.currentTarget as HTMLFormElement)));
    if (!checked.success) return setError(new Error(issuesText(checked.error.issues)));
    return send('assessment', checked.data, 'PUT');
  };
  const decide = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const affected = String(data.get('affected') ?? '')
      .split(/[\n,]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    const checked = SubjectNoticeInput.safeParse({ tell, reason: String(data.get('reason') ?? '').trim(), ...(tell ? { affected } : {}) });
    if (!checked.success) return setError(new Error(issuesText(checked.error.issues)));
    return send('subject-notice', checked.data);
  };

  const b = breach.data;
  return (
    <section>
      <PageTitle>
        {w('breaches')}: {id}
      </PageTitle>
      <p>
        <a href={href('/registers/breaches')}>{w('back')}</a>
      </p>
      <ErrorNote error={breach.error} />
      {b ? (
        <>
          <dl class="facts">
            <dt>{w('status')}</dt>
            <dd>
              <BreachStatus breach={b} />
            </dd>
            <dt>{w('learnedAt')}</dt>
            <dd>{dateTime(b.learnedAt, lang)}</dd>
            <dt>{w('notifyBy')}</dt>
            <dd>{dateTime(b.notifyBy, lang)}</dd>
            <dt>{w('summary')}</dt>
            <dd>{b.summary}</dd>
            <dt>{w('categories')}</dt>
            <dd>{b.categories.map(category).join(', ')}</dd>
            <dt>{w('approxAffected')}</dt>
            <dd>{b.approxAffected}</dd>
            <dt>{w('risk')}</dt>
            <dd>
              {w(`risk_${b.risk}`)}: {b.riskAssessment}
            </dd>
            {b.subjects ? (
              <>
                <dt>{w('subjects')}</dt>
                <dd>
                  {b.subjects.tell ? w('yes') : w('no')}: {b.subjects.reason}. {w('noticesSent', { n: b.noticesSent.length })}
                  {b.owed?.some((o) => o.kind === 'notice') ? `, ${w('noticesPending', { n: b.owed.filter((o) => o.kind === 'notice').length })}` : ''}
                </dd>
              </>
            ) : null}
          </dl>
          <ErrorNote error={error} />
          <form onSubmit={reassess} class="card" aria-labelledby="reassess-h" data-testid="reassess-breach" key={`assessment-${b.version}`}>
            <h2 id="reassess-h">{w('reassess')}</h2>
            <p class="hint">{w('reassessHint')}</p>
            <AssessmentFields current={b} />
            <button type="submit">{w('saveAssessment')}</button>
          </form>
          <form onSubmit={pdpc} class="card" aria-labelledby="pdpc-h">
            <h2 id="pdpc-h">{w('pdpc')}</h2>
            <Field label={w('notifiedAt')} id="notifiedAt">
              <input id="notifiedAt" name="notifiedAt" type="datetime-local" />
            </Field>
            <Field label={w('pdpcReference')} id="pdpcReference">
              <input id="pdpcReference" name="pdpcReference" maxLength={200} />
            </Field>
            <Field label={w('notRequiredReason')} id="notRequiredReason">
              <textarea id="notRequiredReason" name="notRequiredReason" rows={2} maxLength={2000} />
            </Field>
            <button type="submit">{w('savePdpc')}</button>
          </form>
          <form onSubmit={decide} class="card" aria-labelledby="subjects-h">
            <h2 id="subjects-h">{w('subjects')}</h2>
            <fieldset>
              <legend>{w('tellQuestion')}</legend>
              <label>
                <input type="radio" name="tell" checked={tell} onChange={() => setTell(true)} /> {w('yes')}
              </label>
              <label>
                <input type="radio" name="tell" checked={!tell} onChange={() => setTell(false)} /> {w('no')}
              </label>
            </fieldset>
            <Field label={w('reason')} id="subjects-reason">
              <textarea id="subjects-reason" name="reason" rows={2} required maxLength={2000} />
            </Field>
            {tell ? (
              <Field label={w('affected')} id="affected">
                <textarea id="affected" name="affected" rows={3} />
              </Field>
            ) : null}
            <button type="submit">{w('saveDecision')}</button>
          </form>
          <h2>{w('history')}</h2>
          <ol class="history">
            {b.history.map((h) => (
              <li key={`${h.at}-${h.event}`}>
                {dateTime(h.at, lang)}: {eventWords(h.event, t)} ({actorWords(h.by, t)}){h.note ? `: ${h.note}` : ''}
              </li>
            ))}
          </ol>
        </>
      ) : breach.error ? null : (
        <Loading />
      )}
    </section>
  );
}
