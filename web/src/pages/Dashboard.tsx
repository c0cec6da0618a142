import { print } from 'graphql';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request, subscriptionClient } from '../api/graphql';
import { graphql } from '../gql';
import type { CaseStatus, DashboardQuery } from '../gql/graphql';
import { osloTime } from '../i18n/i18n';

const DASHBOARD = graphql(`
  query Dashboard($unitId: ID!, $status: [CaseStatus!]) {
    unitDashboard(unitId: $unitId) {
      unit { id name }
      counts { openRequests interimNoticesDue plansWithoutCoordinator measuresPastEvaluation revisionsDue consentsExpiring openComplaints }
      cases(first: 50, filter: { status: $status }) {
        totalCount
        edges { node { id status requestId planId person { displayName } coordinator { displayName } nextDeadline { kind dueAt overdue } } }
      }
    }
  }
`);

const CASE_EVENTS = graphql(`
  subscription CaseEvents($unitId: ID!) { caseEvents(unitId: $unitId) { id kind } }
`);

const DECIDE = graphql(`
  mutation Decide($input: DecideRequestInput!) { decideRequest(input: $input) { __typename } }
`);

const INTERIM_NOTICE = graphql(`
  mutation RecordInterimNotice($input: RecordInterimNoticeInput!) { recordInterimNotice(input: $input) { id } }
`);

const COUNTS = ['openRequests', 'interimNoticesDue', 'plansWithoutCoordinator', 'measuresPastEvaluation', 'revisionsDue', 'consentsExpiring', 'openComplaints'] as const;
const STATUSES: CaseStatus[] = ['REQUESTED', 'AWAITING_CONSENT', 'ACTIVE', 'REFUSED', 'ENDED'];

/** The coordinating unit's dashboard: counts, the caseload with each case's next deadline, requests to decide; live from `caseEvents`. */
export function DashboardPage({ unitId }: { unitId: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<CaseStatus | ''>('');
  const [data, setData] = useState<DashboardQuery | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const load = useCallback(() => request(DASHBOARD, { unitId, status: status ? [status] : null }).then(setData, setError), [unitId, status]);

  useEffect(() => {
    void load();
  }, [load]);
  // Every event in the unit's cases, as it is committed: read the dashboard again, and say so.
  useEffect(
    () =>
      subscriptionClient().subscribe(
        { query: print(CASE_EVENTS), variables: { unitId } },
        {
          next: (event) => {
            const kind = (event.data as { caseEvents?: { kind: string } } | null)?.caseEvents?.kind;
            if (kind) setAnnouncement(t(`caseEvents.${kind}`, { defaultValue: kind }));
            void load();
          },
          error: () => undefined,
          complete: () => undefined,
        },
      ),
    [unitId, load, t],
  );

  const [notice, setNotice] = useState<{ requestId: string; name: string; reason: string; date: string } | null>(null);
  const [noticeOutcome, setNoticeOutcome] = useState('');
  const sendNotice = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!notice) return;
    try {
      await request(INTERIM_NOTICE, { input: { requestId: notice.requestId, reason: notice.reason, expectedDecisionDate: notice.date } });
      setNoticeOutcome(t('dashboard.noticeSent', { name: notice.name }));
      setNotice(null);
      await load();
    } catch (failure) {
      setNoticeOutcome(t('app.error', { message: (failure as Error).message }));
    }
  };

  const decide = async (requestId: string, decision: 'GRANTED' | 'REFUSED') => {
    const reason = decision === 'REFUSED' ? window.prompt(t('dashboard.refuseReason')) : null;
    if (decision === 'REFUSED' && !reason) return;
    await request(DECIDE, { input: { requestId, decision, reason } });
    await load();
  };

  if (error) return <p role="alert">{t('app.error', { message: error.message })}</p>;
  if (!data) return <p role="status">{t('app.loading')}</p>;
  const dashboard = data.unitDashboard;
  return (
    <>
      <h1>{t('dashboard.title', { unit: dashboard.unit.name })}</h1>
      <p role="status" aria-live="polite" className="announcement">{announcement}</p>
      <section aria-labelledby="counts-title">
        <h2 id="counts-title">{t('dashboard.counts')}</h2>
        <dl className="counts">
          {COUNTS.map((count) => (
            <div key={count} data-count={count}>
              <dt>{t(`dashboard.count.${count}`)}</dt>
              <dd>{dashboard.counts[count]}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="cases-title">
        <h2 id="cases-title">{t('dashboard.cases', { count: dashboard.cases.totalCount })}</h2>
        <label>
          {t('dashboard.filter')}{' '}
          <select value={status} onChange={(event) => setStatus(event.target.value as CaseStatus | '')}>
            <option value="">{t('dashboard.all')}</option>
            {STATUSES.map((value) => <option key={value} value={value}>{t(`caseStatus.${value}`)}</option>)}
          </select>
        </label>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.person')}</th>
              <th scope="col">{t('dashboard.status')}</th>
              <th scope="col">{t('dashboard.nextDeadline')}</th>
              <th scope="col">{t('dashboard.coordinator')}</th>
              <th scope="col">{t('dashboard.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {dashboard.cases.edges.map(({ node }) => (
              <tr key={node.id} data-case={node.person.displayName}>
                <td>{node.planId ? <a href={`#/plans/${node.planId}`}>{node.person.displayName}</a> : node.person.displayName}</td>
                <td>{t(`caseStatus.${node.status}`)}</td>
                <td className={node.nextDeadline?.overdue ? 'overdue' : undefined}>
                  {node.nextDeadline ? `${t(`deadline.${node.nextDeadline.kind}`)}: ${osloTime(node.nextDeadline.dueAt)}${node.nextDeadline.overdue ? ` (${t('dashboard.overdue')})` : ''}` : '—'}
                </td>
                <td>{node.coordinator?.displayName ?? '—'}</td>
                <td>
                  {node.status === 'REQUESTED' && node.requestId && (
                    <>
                      <button type="button" onClick={() => void decide(node.requestId!, 'GRANTED')} aria-label={t('dashboard.grantFor', { name: node.person.displayName })}>{t('dashboard.grant')}</button>{' '}
                      <button type="button" className="secondary" onClick={() => void decide(node.requestId!, 'REFUSED')} aria-label={t('dashboard.refuseFor', { name: node.person.displayName })}>{t('dashboard.refuse')}</button>{' '}
                      <button type="button" className="secondary" onClick={() => setNotice({ requestId: node.requestId!, name: node.person.displayName, reason: '', date: '' })} aria-label={t('dashboard.noticeFor', { name: node.person.displayName })}>{t('dashboard.notice')}</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {notice && (
          <form className="form" onSubmit={(event) => void sendNotice(event)} aria-labelledby="notice-title">
            <h3 id="notice-title">{t('dashboard.noticeFor', { name: notice.name })}</h3>
            <label htmlFor="notice-reason">{t('dashboard.noticeReason')}</label>
            <textarea id="notice-reason" value={notice.reason} onChange={(event) => setNotice({ ...notice, reason: event.target.value })} required maxLength={1000} rows={3} />
            <label htmlFor="notice-date">{t('dashboard.noticeDate')}</label>
            <input id="notice-date" type="date" value={notice.date} onChange={(event) => setNotice({ ...notice, date: event.target.value })} required />
            <button type="submit">{t('dashboard.noticeSend')}</button>
          </form>
        )}
        <p role="status" aria-live="polite">{noticeOutcome}</p>
      </section>
    </>
  );
}
