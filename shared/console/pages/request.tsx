/// <reference lib="dom" />
/**
 * One request with everything staff need to decide: type and why, the original mail as text (never
 * the sender's HTML: Preact renders strings as text nodes), SES verdicts in words, the member, the
 * timeline with deadline milestones and folded repeats; and the actions: complete (with the server's
 * preview of the notice in the customer's language), reclassify, comment, assign. A request carried out
 * here that waits for the shop's other systems lists each system's part; a DPO may close it without them.
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SystemFulfilment } from '../../domain/fulfilment';
import { REQUEST_TYPES } from '../../domain/request-types';
import type { HistoryEntry } from '../../domain/requests';
import type { CompleteRequest, CompletionPreview, RequestDetail } from '../api';
import { DaysLeft, ErrorNote, Field, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { date, dateTime } from '../format';
import { type Lang, type Translate, typeLabel, useI18n, word } from '../i18n';
import { href } from '../pages-base';
import { actorWords, eventWords, milestoneWords } from '../event-words';

const VERDICTS = ['spf', 'dkim', 'dmarc', 'spam', 'virus'] as const;

/** Consecutive `repeated` entries fold into one line with their count. */
export function foldRepeats(history: HistoryEntry[]): (HistoryEntry & { times?: number })[] {
  const out: (HistoryEntry & { times?: number })[] = [];
  for (const entry of history) {
    const last = out.at(-1);
    if (entry.event === 'repeated' && last?.event === 'repeated') last.times = (last.times ?? 1) + 1;
    else out.push({ ...entry });
  }
  return out;
}

function Timeline({ request }: { request: RequestDetail }) {
  const { t, lang } = useI18n();
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t('timeline')}</h2>
      <ol class="timeline">
        {foldRepeats(request.history).map((h) => (
          <li key={`${h.at}-${h.event}`}>
            <time dateTime={h.at}>{dateTime(h.at, lang)}</time> <strong>{eventWords(h.event, t)}</strong>
            {h.times ? ` (${t('repeatedN', { n: h.times })})` : ''} {h.by ? `${t('by')} ${actorWords(h.by, t)}` : ''}
            {h.note ? <p class="note">{h.note}</p> : null}
          </li>
        ))}
      </ol>
      {request.folded.length ? (
        <p>
          {t('repeatedN', { n: request.folded.length })}: {request.folded.map((f) => dateTime(f.at, lang)).join(', ')}
        </p>
      ) : null}
      <h3>{t('milestones')}</h3>
      <ul class="milestones">
        {request.milestones.map((m) => (
          <li key={m.name} class={m.done ? 'done' : ''}>
            <time dateTime={m.at}>{dateTime(m.at, lang)}</time> {milestoneWords(m.name, t)} {m.done ? `✓ ${t('milestoneDone')}` : ''}
          </li>
        ))}
        <li>
          {t('due')}: <time dateTime={request.dueAt}>{dateTime(request.dueAt, lang)}</time>
        </li>
      </ul>
    </section>
  );
}

/**
 * Carried out here and waiting for the other systems: still open, but not to be completed again (the
 * server's `awaitsSystems` in shared/domain/fulfilment.ts, read from the detail it answers).
 */
const awaitsSystems = (r: RequestDetail) => r.status === 'open' && Boolean(r.fulfilment);

/** A system's part in words, so the status never rests on colour: done (when), waiting, failed (when, why). */
export function systemStatusWords(s: SystemFulfilment, t: Translate, lang: Lang): string {
  const at = s.at ? dateTime(s.at, lang) : '–';
  if (s.status === 'done') return t('systemDone', { at });
  if (s.status === 'failed') return t('systemFailed', { at, reason: s.reason ?? '–' });
  return t('systemWaiting');
}

/** DPO only (the route checks the same): closes the request without every system, with the reason. */
function OverrideForm({ request, onDone }: { request: RequestDetail; onDone(): void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.overrideFulfilment(request.id, { reason: reason.trim() });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class="card" aria-labelledby="override-h">
      <h3 id="override-h">{t('overrideTitle')}</h3>
      <Field label={t('overrideReason')} id="override-reason" hint={t('overrideHint')}>
        <textarea
          id="override-reason"
          rows={3}
          required
          minLength={3}
          maxLength={2000}
          aria-describedby="override-reason-hint"
          value={reason}
          onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </Field>
      <ErrorNote error={error} />
      <button type="submit" disabled={busy}>
        {t('overrideConfirm')}
      </button>
    </form>
  );
}

/** The other systems' part (issue 14): each system, what it is asked to do and where it stands. */
function OtherSystems({ request, onDone }: { request: RequestDetail; onDone(): void }) {
  const { t, lang } = useI18n();
  const { person } = useServices();
  const f = request.fulfilment!;
  const waiting = awaitsSystems(request);
  return (
    <section aria-labelledby="systems-h">
      <h2 id="systems-h">{t('otherSystems')}</h2>
      <p>
        {t('carriedOutAt', { at: dateTime(f.carriedOutAt, lang) })}
        {waiting ? ` ${t('closesWhenConfirmed')}` : ''}
      </p>
      <table data-testid="systems" aria-labelledby="systems-h">
        <thead>
          <tr>
            <th scope="col">{t('system')}</th>
            <th scope="col">{t('systemAction')}</th>
            <th scope="col">{t('status')}</th>
          </tr>
        </thead>
        <tbody>
          {f.systems.map((s) => (
            <tr key={s.system}>
              <th scope="row">{s.system}</th>
              <td>{word(t, `action_${s.action}`, s.action)}</td>
              <td class={s.status === 'failed' ? 'bad' : ''}>{systemStatusWords(s, t, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {f.overridden ? (
        <p class="notice" data-testid="override">
          {t('overridden', { by: f.overridden.by, at: dateTime(f.overridden.at, lang), reason: f.overridden.reason })}
        </p>
      ) : null}
      {waiting ? person?.role === 'dpo' ? <OverrideForm request={request} onDone={onDone} /> : <p>{t('overrideDpoOnly')}</p> : null}
    </section>
  );
}

function CompleteForm({ request, onDone }: { request: RequestDetail; onDone(): void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const [outcome, setOutcome] = useState<'done' | 'rejected'>('done');
  const [note, setNote] = useState('');
  const [changes, setChanges] = useState<{ name?: string; email?: string; locale?: 'th' | 'en' }>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const refusedWithoutReason = outcome === 'rejected' && !note.trim();
  const [preview, setPreview] = useState<CompletionPreview | undefined>();
  // The exact notice completing would send, built by the server in the requester's language; asked
  // again when the outcome changes or the note is left (not on every key stroke).
  const askPreview = (o: 'done' | 'rejected', n: string) => {
    if (o === 'rejected' && !n.trim()) return setPreview(undefined);
    api.previewCompletion(request.id, { outcome: o, ...(n.trim() ? { note: n.trim() } : {}) }).then(setPreview, setError);
  };
  useEffect(() => askPreview('done', ''), [request.id]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (refusedWithoutReason) return setError(new Error(t('noteRequired')));
    const body: CompleteRequest = {
      outcome,
      ...(note.trim() ? { note: note.trim() } : {}),
      ...(request.type === 'edit' && outcome === 'done' && Object.keys(changes).length ? { changes } : {}),
    };
    setBusy(true);
    setError(undefined);
    try {
      await api.complete(request.id, body);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const setChange = (field: 'name' | 'email' | 'locale', value: string) =>
    setChanges(({ [field]: _old, ...rest }) => (value ? { ...rest, [field]: value } : rest));

  return (
    <form onSubmit={submit} class="complete" aria-labelledby="complete-h">
      <h3 id="complete-h">{t('complete')}</h3>
      <fieldset>
        <legend>{t('outcome')}</legend>
        <label>
          <input
            type="radio"
            name="outcome"
            value="done"
            checked={outcome === 'done'}
            onChange={() => {
              setOutcome('done');
              askPreview('done', note);
            }}
          />{' '}
          {t('outcomeDone')}
        </label>
        <label>
          <input
            type="radio"
            name="outcome"
            value="rejected"
            checked={outcome === 'rejected'}
            onChange={() => {
              setOutcome('rejected');
              askPreview('rejected', note);
            }}
          />{' '}
          {t('outcomeRejected')}
        </label>
      </fieldset>
      <Field label={t('note')} id="note" {...(outcome === 'rejected' ? { hint: t('noteRequired') } : {})}>
        <textarea
          id="note"
          rows={3}
          maxLength={2000}
          value={note}
          required={outcome === 'rejected'}
          aria-invalid={refusedWithoutReason && error ? 'true' : undefined}
          {...(outcome === 'rejected' ? { 'aria-describedby': 'note-hint' } : {})}
          onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
          onChange={(e) => askPreview(outcome, (e.currentTarget as HTMLTextAreaElement).value)}
        />
      </Field>
      {request.type === 'edit' && outcome === 'done' ? (
        <fieldset>
          <legend>{t('changes')}</legend>
          <Field label={t('changeName')} id="change-name">
            <input id="change-name" maxLength={200} onInput={(e) => setChange('name', (e.currentTarget as HTMLInputElement).value.trim())} />
          </Field>
          <Field label={t('changeEmail')} id="change-email">
            <input id="change-email" type="email" onInput={(e) => setChange('email', (e.currentTarget as HTMLInputElement).value.trim())} />
          </Field>
          <Field label={t('changeLocale')} id="change-locale">
            <select id="change-locale" onChange={(e) => setChange('locale', (e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('noChange')}</option>
              <option value="th">ไทย</option>
              <option value="en">English</option>
            </select>
          </Field>
        </fieldset>
      ) : null}
      {preview ? (
        <section class="preview" aria-labelledby="preview-h">
          <h4 id="preview-h">
            {t('preview')} ({t('previewLang')}: {request.locale === 'th' ? 'ไทย' : 'English'})
          </h4>
          <p lang={request.locale}>
            <strong>{preview.subject}</strong>
          </p>
          <pre lang={request.locale} data-testid="notice-preview">
            {preview.text}
          </pre>
        </section>
      ) : null}
      <ErrorNote error={error} />
      <button type="submit" disabled={busy}>
        {t('completeConfirm')}
      </button>
    </form>
  );
}

/** Reclassify, comment and assign: small forms that each post one action and reload the request. */
function StaffActions({ request, onDone }: { request: RequestDetail; onDone(): void }) {
  const { t, lang } = useI18n();
  const { api, person } = useServices();
  const [error, setError] = useState<unknown>();
  const run = (action: (form: FormData) => Promise<unknown>) => async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    try {
      setError(undefined);
      await action(new FormData(form));
      form.reset();
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
  return (
    <>
      <ErrorNote error={error} />
      <form
        class="card"
        aria-labelledby="reclassify-h"
        onSubmit={run((f) => api.reclassify(request.id, { type: text(f, 'type') as RequestDetail['type'], reason: text(f, 'reason') }))}
      >
        <h3 id="reclassify-h">{t('reclassify')}</h3>
        <Field label={t('type')} id="reclassify-type">
          <select id="reclassify-type" name="type">
            {REQUEST_TYPES.filter((ty) => ty !== request.type).map((ty) => (
              <option key={ty} value={ty}>
                {typeLabel(ty, lang)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reclassifyReason')} id="reclassify-reason">
          <input id="reclassify-reason" name="reason" required maxLength={500} />
        </Field>
        <button type="submit">{t('reclassify')}</button>
      </form>
      <form class="card" aria-labelledby="comment-h" onSubmit={run((f) => api.comment(request.id, { text: text(f, 'text') }))}>
        <h3 id="comment-h">{t('comment')}</h3>
        <Field label={t('comment')} id="comment-text">
          <textarea id="comment-text" name="text" rows={2} required maxLength={4000} />
        </Field>
        <button type="submit">{t('addComment')}</button>
      </form>
      <form
        class="card"
        aria-labelledby="assign-h"
        onSubmit={run((f) => api.assign(request.id, text(f, 'assignee') ? { assignee: text(f, 'assignee') } : { assignee: null }))}
      >
        <h3 id="assign-h">{t('assign')}</h3>
        <Field label={t('assignTo')} id="assignee">
          <input id="assignee" name="assignee" maxLength={128} defaultValue={request.assignee ?? person?.username ?? ''} />
        </Field>
        <button type="submit">{t('save')}</button>
      </form>
    </>
  );
}

export function RequestPage({ params }: { params: Record<string, string> }) {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const id = params.id ?? '';
  const loaded = useLoad(() => api.request(id), [id]);
  const [justCompleted, setJustCompleted] = useState(false);
  const r = loaded.data;
  const live = r ? r.status === 'open' || r.status === 'awaiting_confirmation' : false;

  return (
    <section>
      <PageTitle>{t('requestTitle', { id })}</PageTitle>
      <ErrorNote error={loaded.error} />
      {!r ? (
        loaded.error ? null : (
          <Loading />
        )
      ) : (
        <>
          {justCompleted ? (
            <p class="notice" role="status">
              {t('completed')}
            </p>
          ) : null}
          <dl class="facts">
            <dt>{t('status')}</dt>
            <dd data-testid="request-status">
              {word(t, `status_${r.status}`, r.status)}
              {awaitsSystems(r) ? ` (${t('awaitingSystems')})` : ''}
            </dd>
            <dt>{t('classifiedAs')}</dt>
            <dd>{typeLabel(r.type, lang)}</dd>
            <dt>{t('channel')}</dt>
            <dd>{word(t, `channel_${r.channel}`, r.channel)}</dd>
            <dt>{t('from')}</dt>
            <dd>{r.from}</dd>
            <dt>{t('received')}</dt>
            <dd data-testid="received">{dateTime(r.receivedAt, lang)}</dd>
            <dt>{t('daysLeft')}</dt>
            <dd>{live ? <DaysLeft days={r.daysLeft} /> : '–'}</dd>
            <dt>{t('identity')}</dt>
            <dd>{r.identityConfirmed ? `${t('confirmed')}${r.verifiedAt ? ` (${dateTime(r.verifiedAt, lang)})` : ''}` : t('notConfirmed')}</dd>
            <dt>{t('member')}</dt>
            <dd>
              {r.member ? (
                <>
                  <a href={href(`/members/${encodeURIComponent(r.member.memberId)}`)}>{r.member.memberId}</a> {r.member.name ?? ''} (
                  {t(`member_${r.member.status}`, { until: date(r.member.holdUntil, lang) })})
                </>
              ) : (
                t('noMember')
              )}
            </dd>
            <dt>{t('assign')}</dt>
            <dd>{r.assignee ?? '–'}</dd>
          </dl>
          <section aria-labelledby="why-h">
            <h2 id="why-h">{t('whyType')}</h2>
            {r.classification.matched.length ? (
              <p>
                {t('matchedPhrases')}:{' '}
                {r.classification.matched.map((m) => (
                  <mark key={m}>{m}</mark>
                ))}
              </p>
            ) : (
              <p>{t('noClassification')}</p>
            )}
            {r.classification.reclassifications.map((h) => (
              <p key={h.at} class="note">
                {dateTime(h.at, lang)} {eventWords(h.event, t)} {t('by')} {actorWords(h.by, t)}
                {h.note ? `: ${h.note}` : ''}
              </p>
            ))}
          </section>
          {r.mail ? (
            <section aria-labelledby="mail-h">
              <h2 id="mail-h">{t('originalMail')}</h2>
              {r.mail.subject ? (
                <p>
                  {t('subject')}: <strong>{r.mail.subject}</strong>
                </p>
              ) : null}
              <pre class="mail">{r.mail.text || t('noMailText')}</pre>
              {r.mail.attachments?.length ? (
                <p>
                  {t('attachments')}: {r.mail.attachments.map((a) => `${a.filename ?? '?'} (${a.contentType}, ${a.size} B)`).join(', ')}
                </p>
              ) : null}
              {r.mail.verdicts ? (
                <>
                  <h3>
                    {t('verdicts')}
                    {r.mail.assessment ? `: ${word(t, `assessment_${r.mail.assessment}`, r.mail.assessment)}` : ''}
                  </h3>
                  <dl class="facts">
                    {VERDICTS.map((v) => (
                      <Fragment key={v}>
                        <dt>{t(v)}</dt>
                        <dd class={r.mail!.verdicts![v] === 'FAIL' ? 'bad' : ''}>{word(t, `verdict_${r.mail!.verdicts![v]}`, r.mail!.verdicts![v])}</dd>
                      </Fragment>
                    ))}
                  </dl>
                </>
              ) : null}
            </section>
          ) : r.details ? (
            <section aria-labelledby="mail-h">
              <h2 id="mail-h">{t('formDetails')}</h2>
              <pre class="mail">{r.details}</pre>
            </section>
          ) : null}
          {r.replies.length ? (
            <section aria-labelledby="replies-h">
              <h2 id="replies-h">{t('replies')}</h2>
              {r.replies.map((reply) => (
                <article key={reply.sesMessageId}>
                  <p>
                    <time dateTime={reply.at}>{dateTime(reply.at, lang)}</time> {reply.subject}
                  </p>
                  <pre class="mail">{reply.text ?? ''}</pre>
                </article>
              ))}
            </section>
          ) : null}
          {r.fulfilment ? <OtherSystems request={r} onDone={loaded.reload} /> : null}
          <Timeline request={r} />
          {live ? (
            <section aria-labelledby="actions-h">
              <h2 id="actions-h">{t('actions')}</h2>
              {r.status === 'open' && !awaitsSystems(r) ? (
                <CompleteForm
                  request={r}
                  onDone={() => {
                    setJustCompleted(true);
                    loaded.reload();
                  }}
                />
              ) : null}
              <StaffActions request={r} onDone={loaded.reload} />
            </section>
          ) : null}
        </>
      )}
    </section>
  );
}
