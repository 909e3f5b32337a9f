/// <reference lib="dom" />
/**
 * Sign-in: user name and password (USER_PASSWORD_AUTH), then the TOTP code when the pool asks for
 * it, a TOTP set-up for a dpo without one, or a new password on first use.
 */
import { useState } from 'preact/hooks';
import { answerMfa, CognitoError, finishTotpSetup, setNewPassword, signIn, type SignInStep, startTotpSetup } from '../cognito';
import { Field, PageTitle } from '../components';
import type { ConsoleConfig } from '../config';
import { useI18n } from '../i18n';
import type { Session } from '../session';

type Pending = Exclude<SignInStep, { kind: 'signed_in' }> & { secret?: string };

export function SignInPage({ config, session }: { config: ConsoleConfig; session: Session }) {
  const { t } = useI18n();
  const [pending, setPending] = useState<Pending | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const advance = async (next: () => Promise<SignInStep>) => {
    setBusy(true);
    setError(undefined);
    try {
      const step = await next();
      if (step.kind === 'signed_in') return session.start(step.tokens);
      if (step.kind === 'mfa_setup') {
        const setup = await startTotpSetup(config, step.session);
        return setPending({ ...step, session: setup.Session ?? step.session, secret: setup.SecretCode });
      }
      setPending(step);
    } catch (e) {
      const type = e instanceof CognitoError ? e.type : '';
      setError(
        type === 'NotAuthorizedException' || type === 'UserNotFoundException'
          ? t('wrongPassword')
          : type === 'CodeMismatchException' || type === 'EnableSoftwareTokenMFAException'
            ? t('wrongCode')
            : `${t('signInFailed')}: ${(e as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    if (!pending) void advance(() => signIn(config, value('username'), String(form.get('password') ?? '')));
    else if (pending.kind === 'mfa') void advance(() => answerMfa(config, pending.session, pending.username, value('code')));
    else if (pending.kind === 'mfa_setup') void advance(() => finishTotpSetup(config, pending.session, pending.username, value('code')));
    else void advance(() => setNewPassword(config, pending.session, pending.username, String(form.get('newPassword') ?? '')));
  };

  return (
    <main id="main" class="sign-in">
      <PageTitle>{pending?.kind === 'mfa_setup' ? t('totpSetup') : t('signIn')}</PageTitle>
      {session.endedBecause === 'expired' && !pending ? (
        <p class="notice" role="status">
          {t('sessionExpired')}
        </p>
      ) : null}
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        {!pending ? (
          <>
            <Field label={t('username')} id="username">
              <input id="username" name="username" autoComplete="username" required />
            </Field>
            <Field label={t('password')} id="password">
              <input id="password" name="password" type="password" autoComplete="current-password" required />
            </Field>
          </>
        ) : pending.kind === 'new_password' ? (
          <Field label={t('newPassword')} id="newPassword" hint={t('newPasswordHelp')}>
            <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" required aria-describedby="newPassword-hint" />
          </Field>
        ) : (
          <>
            {pending.kind === 'mfa_setup' ? (
              <div class="totp-setup">
                <p>{t('totpSetupHelp')}</p>
                <p>
                  {t('totpSecret')}: <code data-testid="totp-secret">{pending.secret}</code>
                </p>
              </div>
            ) : null}
            <Field label={t('mfaCode')} id="code">
              <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required />
            </Field>
          </>
        )}
        {error ? (
          <p class="error" role="alert" id="sign-in-error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {pending ? t('verify') : t('signIn')}
        </button>
      </form>
    </main>
  );
}
