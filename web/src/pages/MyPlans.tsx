import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestFailed } from '../api/graphql';
import { request } from '../api/graphql';
import { graphql } from '../gql';
import type { MyPlansQuery } from '../gql/graphql';
import { osloTime } from '../i18n/i18n';
import { RequestForm } from '../components/RequestForm';

const GIVE_PLAN_CONSENT = graphql(`
  mutation GivePlanConsent($planId: ID!) { giveConsent(input: { planId: $planId, scope: PLAN }) { plan { id status } } }
`);

const MY_PLANS = graphql(`
  query MyPlans {
    me { person { id displayName kind } memberships { organization { id name kind } } }
    plans(first: 50) { edges { node { id title status viewerRole owner { displayName } updatedAt } } }
    notifications(first: 10, unreadOnly: true) { edges { node { id kind link createdAt } } }
  }
`);

/** The plans I take part in, my role in each, and what waits for me. */
export function MyPlansPage() {
  const { t } = useTranslation();
  const [data, setData] = useState<MyPlansQuery | null>(null);
  const [error, setError] = useState<RequestFailed | Error | null>(null);

  const load = () => request(MY_PLANS).then(setData, setError);
  useEffect(() => {
    void load();
  }, []);
  const consent = async (planId: string) => {
    await request(GIVE_PLAN_CONSENT, { planId }).catch(setError);
    await load();
  };

  if (error) return <p role="alert">{t('app.error', { message: error.message })}</p>;
  if (!data) return <p role="status">{t('app.loading')}</p>;
  const plans = data.plans.edges.map((edge) => edge.node);
  const waiting = data.notifications.edges.map((edge) => edge.node);
  const units = data.me.memberships.map((membership) => membership.organization).filter((unit) => unit.kind === 'COORDINATING_UNIT');
  return (
    <>
      <h1>{t('plans.title')}</h1>
      {plans.length === 0 ? <p>{t('plans.none')}</p> : (
        <ul className="cards">
          {plans.map((plan) => (
            <li key={plan.id} className="card">
              <h2><a href={`#/plans/${plan.id}`}>{plan.title}</a></h2>
              <p>{t('plans.owner', { name: plan.owner.displayName })}</p>
              <p>{t('plans.role', { role: t(`roles.${plan.viewerRole ?? 'NONE'}`) })} · {t('plans.status', { status: t(`planStatus.${plan.status}`) })}</p>
              {/* A plan waits for the person's consent (theirs, or their guardian's) before it runs. */}
              {plan.status === 'REQUESTED' && (plan.viewerRole === 'OWNER' || plan.viewerRole === 'GUARDIAN') && (
                <p>
                  {t('plans.consentNeeded')}{' '}
                  <button type="button" onClick={() => void consent(plan.id)} aria-label={t('plans.giveConsentTo', { title: plan.title })}>{t('plans.giveConsent')}</button>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {units.length > 0 && (
        <ul className="units">
          {units.map((unit) => <li key={unit.id}><a href={`#/units/${unit.id}`}>{t('dashboard.open', { unit: unit.name })}</a></li>)}
        </ul>
      )}
      <section aria-labelledby="inbox-title">
        <h2 id="inbox-title">{t('plans.inbox')}</h2>
        {waiting.length === 0 ? <p>{t('plans.inboxEmpty')}</p> : (
          <ul>
            {waiting.map((notification) => (
              <li key={notification.id}>
                <a href={`#${notification.link}`}>{t(`notificationKinds.${notification.kind}`, { defaultValue: notification.kind })}</a> · <time dateTime={notification.createdAt}>{osloTime(notification.createdAt)}</time>
              </li>
            ))}
          </ul>
        )}
      </section>
      {data.me.person.kind === 'CITIZEN' && <RequestForm />}
    </>
  );
}
