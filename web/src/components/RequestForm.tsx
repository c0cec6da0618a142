import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api/graphql';
import { graphql } from '../gql';
import type { RequestWants } from '../gql/graphql';

const SUBMIT = graphql(`
  mutation SubmitOwnRequest($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }
`);

/** A person asks their municipality for an individual plan (or a coordinator) for themselves. */
export function RequestForm() {
  const { t } = useTranslation();
  const id = useId();
  const [municipality, setMunicipality] = useState('0301');
  const [wants, setWants] = useState<RequestWants>('PLAN_AND_COORDINATOR');
  const [title, setTitle] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      await request(SUBMIT, { input: { municipality, source: 'PERSON', wants, title: title || null } });
      setOutcome(t('request.sent'));
    } catch (error) {
      setOutcome(t('app.error', { message: (error as Error).message }));
    }
  };

  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('request.title')}</h2>
      <p>{t('request.intro')}</p>
      <form onSubmit={(event) => void submit(event)} className="form">
        <label htmlFor={`${id}-municipality`}>{t('request.municipality')}</label>
        <input id={`${id}-municipality`} value={municipality} onChange={(event) => setMunicipality(event.target.value)} inputMode="numeric" pattern="\d{4}" required />
        <fieldset>
          <legend>{t('request.wants')}</legend>
          {(['PLAN_AND_COORDINATOR', 'COORDINATOR_ONLY'] as const).map((value) => (
            <label key={value} className="choice">
              <input type="radio" name={`${id}-wants`} value={value} checked={wants === value} onChange={() => setWants(value)} /> {t(`request.${value}`)}
            </label>
          ))}
        </fieldset>
        <label htmlFor={`${id}-plan-title`}>{t('request.planTitle')}</label>
        <input id={`${id}-plan-title`} value={title} onChange={(event) => setTitle(event.target.value)} maxLength={200} />
        <button type="submit">{t('request.submit')}</button>
      </form>
      <p role="status" aria-live="polite">{outcome}</p>
    </section>
  );
}
