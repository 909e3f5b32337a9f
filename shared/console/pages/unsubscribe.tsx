/// <reference lib="dom" />
/** Unsubscribe look-up (policy 6): is this address suppressed, since when, through which channel. */
import { useState } from 'preact/hooks';
import type { SubscriptionAnswer } from '../api';
import { ErrorNote, Field, PageTitle } from '../components';
import { useServices } from '../context';
import { dateTime } from '../format';
import { useI18n, word } from '../i18n';

export function UnsubscribePage() {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const [answer, setAnswer] = useState<SubscriptionAnswer | undefined>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget as HTMLFormElement).get('email') ?? '').trim();
    try {
      setError(undefined);
      setAnswer(await api.suppression(email));
    } catch (e) {
      setAnswer(undefined);
      setError(e);
    }
  };
  return (
    <section>
      <PageTitle>{t('unsubscribeLookup')}</PageTitle>
      <form onSubmit={submit} class="inline">
        <Field label={t('email')} id="unsub-email">
          <input id="unsub-email" name="email" type="email" required />
        </Field>
        <button type="submit">{t('check')}</button>
      </form>
      <ErrorNote error={error} />
      {answer ? (
        <p role="status" data-testid="subscription">
          {answer.subscribed
            ? t('subscribed')
            : t('suppressed', { at: dateTime(answer.unsubscribedAt, lang), via: answer.via ? word(t, `via_${answer.via}`, answer.via) : '?' })}
        </p>
      ) : null}
    </section>
  );
}
