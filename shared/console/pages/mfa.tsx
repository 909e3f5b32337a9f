/// <reference lib="dom" />
/**
 * Two-step verification for the signed-in person: the DPO's rights count only once TOTP is set up
 * (the pool's pre-token trigger gives `dpo` to such a user only), so a new DPO sets it up here,
 * signed in as staff, then signs in again with the authenticator's code.
 */
import { useState } from 'preact/hooks';
import { associateTotp, CognitoError, enableTotp, totpUri } from '../cognito';
import { ErrorNote, Field, PageTitle } from '../components';
import { useServices } from '../context';
import { useI18n } from '../i18n';

export function MfaPage() {
  const { t } = useI18n();
  const { config, session, person } = useServices();
  const [secret, setSecret] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);

  const start = async () => {
    try {
      setError(undefined);
      setSecret((await associateTotp(config, session.accessToken ?? '')).SecretCode);
    } catch (e) {
      setError(e);
    }
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget as HTMLFormElement).get('code') ?? '').trim();
    try {
      setError(undefined);
      await enableTotp(config, session.accessToken ?? '', code);
      setDone(true);
    } catch (e) {
      setError(e instanceof CognitoError && e.type === 'CodeMismatchException' ? new Error(t('wrongCode')) : e);
    }
  };

  return (
    <section>
      <PageTitle>{t('totpSetup')}</PageTitle>
      <p>{t('totpWhy')}</p>
      {done ? (
        <>
          <p class="notice" role="status">
            {t('totpDone')}
          </p>
          <button type="button" onClick={() => session.end('signed_out')}>
            {t('signOut')}
          </button>
        </>
      ) : !secret ? (
        <button type="button" onClick={start}>
          {t('totpStart')}
        </button>
      ) : (
        <form onSubmit={confirm} class="card">
          <p>{t('totpSetupHelp')}</p>
          <p>
            {t('totpSecret')}: <code data-testid="totp-secret">{secret}</code>
          </p>
          <p>
            <a href={totpUri(secret, person?.username ?? '', `Shop privacy (${config.stage})`)}>{t('totpLink')}</a>
          </p>
          <Field label={t('mfaCode')} id="setup-code">
            <input id="setup-code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required />
          </Field>
          <button type="submit">{t('verify')}</button>
        </form>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
