/// <reference lib="dom" />
/**
 * One request with everything staff need to decide: type and why, the original mail as text (never
 * the sender's HTML: Preact renders strings as text nodes), SES verdicts in words, the member, the
 * timeline with deadline milestones and folded repeats; and the completion form with a preview of
 * the notice in the customer's language.
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { requestCompleted } from '../../domain/notices';
import type { HistoryEntry } from '../../domain/requests';
import type { CompleteRequest, RequestDetail } from '../api';
import { DaysLeft, ErrorNote, Field, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { dateTime } from '../format';
import { type Translate, typeLabel, useI18n, word } from '../i18n';
import { href } from '../pages-base';

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

function eventWords(event: string, t: Translate): string {
  const [kind, detail] = event.split(':');
  if (kind === 'received' && detail) return `${event} (${word(t, `status_${detail}`, detail)})`;
  return event;
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
            {h.times ? ` (${t('repeatedN', { n: h.times })})` : ''} {h.by ? `${t('by')} ${h.by}` : ''}
            {h.note ? <p class="note">{h.note}</p> : null}
          </li>
        ))}
      </ol>
      <h3>{t('milestones')}</h3>
      <ul>
        <li>
          {t('due')}: <time dateTime={request.dueAt}>{dateTime(request.dueAt, lang)}</time>
        </li>
        {(request.milestones ?? []).map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
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
  const preview =
    outcome === 'rejected'
      ? note.trim()
        ? requestCompleted({ requestId: request.id, type: request.type, outcome: 'rejected', note }, request.locale)
        : undefined
      : requestCompleted({ requestId: request.id, type: request.type, outcome: 'done', ...(note.trim() ? { note } : {}) }, request.locale);

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
          <input type="radio" name="outcome" value="done" checked={outcome === 'done'} onChange={() => setOutcome('done')} /> {t('outcomeDone')}
        </label>
        <label>
          <input type="radio" name="outcome" value="rejected" checked={outcome === 'rejected'} onChange={() => setOutcome('rejected')} /> {t('outcomeRejected')}
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

export function RequestPage({ params }: { params: Record<string, string> }) {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const id = params.id ?? '';
  const loaded = useLoad(() => api.request(id), [id]);
  const [justCompleted, setJustCompleted] = useState(false);
  const r = loaded.data;
  const closed = r ? r.status !== 'open' && r.status !== 'awaiting_confirmation' : false;

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
            <dd data-testid="request-status">{word(t, `status_${r.status}`, r.status)}</dd>
            <dt>{t('classifiedAs')}</dt>
            <dd>{typeLabel(r.type, lang)}</dd>
            <dt>{t('channel')}</dt>
            <dd>{word(t, `channel_${r.channel}`, r.channel)}</dd>
            <dt>{t('from')}</dt>
            <dd>{r.email}</dd>
            <dt>{t('received')}</dt>
            <dd>{dateTime(r.receivedAt, lang)}</dd>
            <dt>{t('daysLeft')}</dt>
            <dd>
              <DaysLeft dueAt={r.dueAt} closed={closed} />
            </dd>
            <dt>{t('identity')}</dt>
            <dd>{r.verifiedAt ? `${t('confirmed')} (${dateTime(r.verifiedAt, lang)})` : t('notConfirmed')}</dd>
            <dt>{t('member')}</dt>
            <dd>{r.memberId ? <a href={href(`/members/${encodeURIComponent(r.memberId)}`)}>{r.memberId}</a> : t('noMember')}</dd>
          </dl>
          <section aria-labelledby="why-h">
            <h2 id="why-h">{t('whyType')}</h2>
            {r.classification?.matched?.length ? (
              <p>
                {t('matchedPhrases')}:{' '}
                {r.classification.matched.map((m) => (
                  <mark key={m}>{m}</mark>
                ))}
              </p>
            ) : (
              <p>{r.classification?.reason ?? t('noClassification')}</p>
            )}
          </section>
          {r.channel === 'email' || r.details ? (
            <section aria-labelledby="mail-h">
              <h2 id="mail-h">{t('originalMail')}</h2>
              {r.subject ? (
                <p>
                  {t('subject')}: <strong>{r.subject}</strong>
                </p>
              ) : null}
              <pre class="mail">{r.details ?? t('noMailText')}</pre>
              {r.attachments?.length ? (
                <p>
                  {t('attachments')}: {r.attachments.map((a) => `${a.filename ?? '?'} (${a.contentType}, ${a.size} B)`).join(', ')}
                </p>
              ) : null}
            </section>
          ) : null}
          {r.verdicts ? (
            <section aria-labelledby="verdicts-h">
              <h2 id="verdicts-h">{t('verdicts')}</h2>
              <dl class="facts">
                {VERDICTS.map((v) => (
                  <Fragment key={v}>
                    <dt>{t(v)}</dt>
                    <dd class={r.verdicts![v] === 'FAIL' ? 'bad' : ''}>{word(t, `verdict_${r.verdicts![v]}`, r.verdicts![v])}</dd>
                  </Fragment>
                ))}
              </dl>
            </section>
          ) : null}
          {r.replies?.length ? (
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
          <Timeline request={r} />
          {r.status === 'open' ? (
            <section aria-labelledby="actions-h">
              <h2 id="actions-h">{t('actions')}</h2>
              <CompleteForm
                request={r}
                onDone={() => {
                  setJustCompleted(true);
                  loaded.reload();
                }}
              />
            </section>
          ) : null}
        </>
      )}
    </section>
  );
}
