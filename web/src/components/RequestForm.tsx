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
  // Asking for someone else: a relative with the person's power of attorney (forvaltningsloven § 12).
  const [forOther, setForOther] = useState(false);
  const [other, setOther] = useState({ nationalIdentityNumber: '', displayName: '', powerOfAttorney: '' });
  const [outcome, setOutcome] = useState<string | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      await request(SUBMIT, {
        input: forOther
          ? { municipality, source: 'RELATIVE', wants, title: title || null, person: { nationalIdentityNumber: other.nationalIdentityNumber, displayName: other.displayName }, powerOfAttorney: other.powerOfAttorney }
          : { municipality, source: 'PERSON', wants, title: title || null },
      });
      setOutcome(t('request.sent'));
      // The number is not left on the screen once it has done its work.
      setOther({ nationalIdentityNumber: '', displayName: '', powerOfAttorney: '' });
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
          <legend>{t('request.forWhom')}</legend>
          <label className="choice"><input type="radio" name={`${id}-for`} checked={!forOther} onChange={() => setForOther(false)} /> {t('request.forMe')}</label>
          <label className="choice"><input type="radio" name={`${id}-for`} checked={forOther} onChange={() => setForOther(true)} /> {t('request.forOther')}</label>
        </fieldset>
        {forOther && (
          <>
            <label htmlFor={`${id}-nin`}>{t('request.otherNationalIdentityNumber')}</label>
            <input id={`${id}-nin`} value={other.nationalIdentityNumber} onChange={(event) => setOther({ ...other, nationalIdentityNumber: event.target.value })} inputMode="numeric" pattern="\d{11}" required autoComplete="off" />
            <label htmlFor={`${id}-other-name`}>{t('request.otherName')}</label>
            <input id={`${id}-other-name`} value={other.displayName} onChange={(event) => setOther({ ...other, displayName: event.target.value })} required maxLength={200} />
            <label htmlFor={`${id}-poa`}>{t('request.powerOfAttorney')}</label>
            <input id={`${id}-poa`} value={other.powerOfAttorney} onChange={(event) => setOther({ ...other, powerOfAttorney: event.target.value })} required maxLength={500} />
          </>
        )}
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
