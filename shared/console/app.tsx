/// <reference lib="dom" />
/**
 * The console's frame: sign-in gate, header (who, language, sign out), navigation built from the
 * page registry filtered by role, and the router. Pages a role may not open answer "not allowed"
 * here, and the API refuses their routes anyway.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { Api } from './api';
import { PageTitle } from './components';
import type { ConsoleConfig } from './config';
import { ServicesContext, useServices } from './context';
import { I18nContext, type Lang, saveLang, savedLang, translator, useI18n } from './i18n';
import { BASE, href, PAGES, type ConsolePage } from './pages';
import { SignInPage } from './pages/sign-in';
import { allows, Session } from './session';

function Gate({ page, params }: { page: ConsolePage; params: Record<string, string> }) {
  const { t } = useI18n();
  const { person } = useServices();
  if (!allows(person?.role, page.role)) {
    return (
      <section class="forbidden">
        <PageTitle>{t('forbiddenTitle')}</PageTitle>
        <p role="alert">{page.role === 'dpo' ? t('forbiddenDpo') : t('noRole')}</p>
      </section>
    );
  }
  const Component = page.component;
  return <Component params={params} />;
}

/** One stable component per page (a new function each render would remount the page). */
const ROUTED = PAGES.map((page) => ({
  page,
  Component: (props: { params: Record<string, string> }) => <Gate page={page} params={props.params} />,
}));
const Root = () => <Redirect to={href('/queue')} />;

function NotFound() {
  const { t } = useI18n();
  return <PageTitle>{t('notFound')}</PageTitle>;
}

function Redirect({ to }: { to: string }) {
  const { route } = useLocation();
  useEffect(() => route(to, true), [to, route]);
  return null;
}

function Nav() {
  const { t } = useI18n();
  const { path } = useLocation();
  const { person } = useServices();
  return (
    <nav aria-label={t('mainNav')}>
      <ul>
        {PAGES.filter((p) => p.nav && allows(person?.role, p.role)).map((p) => (
          <li key={p.path}>
            <a href={href(p.path)} aria-current={[p.path, ...(p.navAlso ?? [])].some((q) => path.startsWith(href(q))) ? 'page' : undefined}>
              {t(p.nav!)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Header({ lang, setLang }: { lang: Lang; setLang(l: Lang): void }) {
  const { t } = useI18n();
  const { session, person, config } = useServices();
  return (
    <header class="top">
      <p class="brand">
        {t('appName')} <span class="stage">{config.stage}</span>
      </p>
      <div class="who">
        <button type="button" class="link" lang={lang === 'th' ? 'en' : 'th'} onClick={() => setLang(lang === 'th' ? 'en' : 'th')}>
          {t('switchTo')}
        </button>
        {person ? (
          <>
            <span>
              {t('signedInAs')} <strong>{person.email ?? person.username}</strong> ({person.role ?? '—'})
            </span>
            <button type="button" onClick={() => session.end('signed_out')}>
              {t('signOut')}
            </button>
          </>
        ) : null}
      </div>
    </header>
  );
}

export function App({ config }: { config: ConsoleConfig }) {
  const session = useMemo(() => new Session(config), [config]);
  const api = useMemo(() => new Api(config, session), [config, session]);
  const [person, setPerson] = useState(session.person);
  const [lang, setLangState] = useState<Lang>(savedLang());
  useEffect(() => session.subscribe(() => setPerson(session.person)), [session]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translator(lang)('appName');
  }, [lang]);
  const setLang = (next: Lang) => {
    saveLang(next);
    setLangState(next);
  };
  const i18n = useMemo(() => ({ lang, t: translator(lang), setLang }), [lang]);
  const services = useMemo(() => ({ config, session, api, person }), [config, session, api, person]);
  const t = i18n.t;

  return (
    <I18nContext.Provider value={i18n}>
      <ServicesContext.Provider value={services}>
        <LocationProvider scope={BASE}>
          <a class="skip" href="#main">
            {t('skipToMain')}
          </a>
          <Header lang={lang} setLang={setLang} />
          {!person ? (
            <SignInPage config={config} session={session} />
          ) : (
            <div class="frame">
              <Nav />
              <main id="main">
                <Router>
                  {[
                    <Route key="root" path={`${BASE}/`} component={Root} />,
                    ...ROUTED.map(({ page, Component }) => <Route key={page.path} path={href(page.path)} component={Component} />),
                    <Route key="404" default component={NotFound} />,
                  ]}
                </Router>
              </main>
            </div>
          )}
        </LocationProvider>
      </ServicesContext.Provider>
    </I18nContext.Provider>
  );
}
