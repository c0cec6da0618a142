import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { startSignIn, type BrowserIssuer } from '../api/oidc';
import { signIn } from '../api/session';
import { navigate } from '../navigation';

interface DemoPerson { sub: string; name: string; kind: 'citizen' | 'personnel'; about: string }
interface SignInOptions {
  issuers: BrowserIssuer[];
  development: { tokenUrl: string; people: DemoPerson[] } | null;
}

/**
 * Sign-in as the server says it is done here (`GET /auth/sign-in-options`): in development a
 * picker of the demo municipality's people, minted by the development issuer.
 */
export function SignInPage() {
  const { t } = useTranslation();
  const [options, setOptions] = useState<SignInOptions | null>(null);
  const [error, setError] = useState<string | null>(() => sessionStorage.getItem('samplan.signInError'));

  useEffect(() => {
    sessionStorage.removeItem('samplan.signInError');
    fetch('/auth/sign-in-options').then(
      async (response) => setOptions((await response.json()) as SignInOptions),
      (failure: unknown) => setError(String(failure)),
    );
  }, []);

  const choose = async (person: DemoPerson) => {
    setError(null);
    const response = await fetch(options!.development!.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: person.sub, name: person.name, kind: person.kind }),
    });
    if (!response.ok) return setError(`${response.status}`);
    const { token } = (await response.json()) as { token: string };
    signIn({ token, name: person.name, kind: person.kind });
    navigate('#/');
  };

  if (error) return <p role="alert">{t('app.error', { message: error })}</p>;
  if (!options) return <p role="status">{t('app.loading')}</p>;
  const people = options.development?.people ?? [];
  return (
    <section aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      {options.issuers.length > 0 && (
        <ul className="issuers">
          {options.issuers.filter((issuer) => issuer.dpop !== 'required').map((issuer) => (
            <li key={issuer.issuer}>
              <button type="button" onClick={() => void startSignIn(issuer).catch((failure: unknown) => setError(String(failure)))} data-issuer={issuer.issuer}>
                {t('signIn.issuer', { issuer: t(`signIn.kind.${issuer.kind}`, { defaultValue: new URL(issuer.issuer).host }) })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {options.development ? <p>{t('signIn.intro')}</p> : <p>{t('signIn.noDevelopment')}</p>}
      {(['citizen', 'personnel'] as const).map((kind) => (
        <section key={kind} aria-labelledby={`people-${kind}`}>
          <h2 id={`people-${kind}`}>{t(kind === 'citizen' ? 'signIn.citizens' : 'signIn.staff')}</h2>
          <ul className="people">
            {people.filter((person) => person.kind === kind).map((person) => (
              <li key={person.sub}>
                <button type="button" onClick={() => void choose(person)} data-person={person.sub}>
                  <span className="person-name">{person.name}</span>
                  <span className="person-about">{person.about}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
