import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { closeSubscriptions } from './api/graphql';
import { currentSession, onSessionChange, signOut } from './api/session';
import { LANGUAGES, setLanguage, type Language } from './i18n/i18n';
import { navigate } from './navigation';
import { DashboardPage } from './pages/Dashboard';
import { MyPlansPage } from './pages/MyPlans';
import { PlanPage } from './pages/PlanPage';
import { SignInPage } from './pages/SignIn';

/** The page the address names: `#/` (my plans), `#/plans/<id>`, `#/sign-in`. */
function useRoute(): string {
  const [route, setRoute] = useState(() => window.location.hash.slice(1) || '/');
  useEffect(() => {
    const changed = () => setRoute(window.location.hash.slice(1) || '/');
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function App() {
  const { t, i18n } = useTranslation();
  const route = useRoute();
  const session = useSyncExternalStore(onSessionChange, currentSession);
  const plan = /^\/plans\/([0-9a-f-]{36})$/i.exec(route)?.[1];
  const unit = /^\/units\/([0-9a-f-]{36})$/i.exec(route)?.[1];

  // Each page says where the person is: the title names it, and focus moves to its heading.
  useEffect(() => {
    document.title = plan ? `${t('app.title')} – ${t('app.myPlans')}` : t('app.title');
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [route, plan, t]);

  const page = !session ? <SignInPage /> : plan ? <PlanPage key={plan} planId={plan} /> : unit ? <DashboardPage key={unit} unitId={unit} /> : <MyPlansPage />;
  return (
    <>
      <a className="skip" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('main')?.focus(); }}>{t('app.skip')}</a>
      <header>
        <a href="#/" className="brand">{t('app.title')}</a>
        <nav aria-label={t('app.myPlans')}>
          {session && <span>{t('app.signedInAs', { name: session.name })}</span>}
          <label>
            {t('app.language')}{' '}
            <select value={i18n.language} onChange={(event) => setLanguage(event.target.value as Language)}>
              {Object.entries(LANGUAGES).map(([code, name]) => <option key={code} value={code} lang={code}>{name}</option>)}
            </select>
          </label>
          {session && (
            <button type="button" onClick={() => { closeSubscriptions(); signOut(); navigate('#/'); }}>{t('app.signOut')}</button>
          )}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </>
  );
}
