import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { request, RequestFailed } from '../api/graphql';
import { currentSession } from '../api/session';
import { graphql } from '../gql';
import type { PlanAccessLogQuery, PlanArchiveQuery, PlanHistoryQuery, PlanParticipantsQuery } from '../gql/graphql';
import { osloTime } from '../i18n/i18n';
import { Participants, type ParticipantActions } from './Participants';
import { Versions } from './Versions';

const HISTORY = graphql(`
  query PlanHistory($id: ID!) {
    plan(id: $id) {
      id
      history(first: 50) { edges { node { section by { displayName } at changes } } }
      versions(first: 20) { totalCount edges { node { id label kind author { displayName } createdAt content } } }
    }
  }
`);

const PARTICIPANTS = graphql(`
  query PlanParticipants($id: ID!) {
    me { person { id } memberships { organization { id name } } }
    plan(id: $id) {
      id viewerCanManageParticipants viewerRole
      participants {
        id role pendingConsent readsRestricted
        sectionRights { section access granted }
        person { id displayName }
        organization { name }
        consents { id scope current givenAt validUntil withdrawnAt }
      }
    }
  }
`);

const GIVE_PARTICIPATION = graphql(`
  mutation GiveParticipation($participantId: ID!) { giveConsent(input: { participantId: $participantId, scope: PARTICIPATE }) { consent { id } } }
`);

const WITHDRAW = graphql(`
  mutation WithdrawConsent($id: ID!) { withdrawConsent(consentId: $id) { __typename } }
`);

const CREATE_VERSION = graphql(`
  mutation CreateVersion($input: CreateVersionInput!) { createVersion(input: $input) { id } }
`);

const RESTORE_VERSION = graphql(`
  mutation RestoreVersion($versionId: ID!) { restoreVersion(input: { versionId: $versionId }) { sections } }
`);

const INVITE = graphql(`
  mutation Invite($input: AddParticipantInput!) { addParticipant(input: $input) { __typename ... on VersionConflict { message } ... on AlreadyParticipant { message } } }
`);

const GRANT_RESTRICTED = graphql(`
  mutation GrantRestricted($id: ID!) { grantRestrictedAccess(participantId: $id) { id } }
`);

const REVOKE_RESTRICTED = graphql(`
  mutation RevokeRestricted($id: ID!) { revokeRestrictedAccess(participantId: $id) { id } }
`);

const UNIT_STAFF = graphql(`
  query UnitStaff($organizationId: ID!) { memberships(organizationId: $organizationId) { person { id displayName kind } } }
`);

const SET_RIGHT = graphql(`
  mutation SetSectionRight($input: SetSectionRightInput!) { setSectionRight(input: $input) { id } }
`);

const ACCESS_LOG = graphql(`
  query PlanAccessLog($id: ID!) {
    plan(id: $id) { id accessLog(first: 50) { edges { node { id person { displayName } at action what door } } } }
  }
`);

const ARCHIVE = graphql(`
  query PlanArchive($id: ID!) {
    plan(id: $id) { id archiveRecords(first: 20) { totalCount edges { node { id kind createdAt createdBy { displayName } urls { json html pdf } } } } }
  }
`);

/** A part of the plan's record, read when the person opens it (each read is in the access log). */
function Lazy<T>({ id, title, load, children }: { id: string; title: string; load: () => Promise<T>; children: (data: T, reload: () => void) => ReactNode }) {
  const { t } = useTranslation();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const read = () =>
    load().then(setData, (failure: unknown) =>
      setError(failure instanceof RequestFailed && failure.code === 'FORBIDDEN' ? t('records.forbidden') : t('app.error', { message: (failure as Error).message })),
    );
  return (
    <details
      className="record"
      data-record={id}
      onToggle={(event) => {
        if ((event.currentTarget as HTMLDetailsElement).open && !data && !error) void read();
      }}
    >
      <summary><h2>{title}</h2></summary>
      {error ? <p>{error}</p> : data ? children(data, () => void read()) : <p role="status">{t('app.loading')}</p>}
    </details>
  );
}

/** Downloads an archive file with the person's token (a plain link could not send it). */
async function download(url: string, name: string): Promise<void> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${currentSession()?.token ?? ''}` } });
  if (!response.ok) throw new Error(String(response.status));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** The plan's record beside its content: history and versions, participants and consent, who has seen it, the archive. */
export function PlanRecords({ planId }: { planId: string }) {
  const { t } = useTranslation();
  // One set for the page's life: the participants' list asks for the unit's staff when the unit changes, not on every render.
  const participantActions = useMemo<ParticipantActions>(() => ({
    withdraw: (consentId) => request(WITHDRAW, { id: consentId }),
    giveConsent: (participantId) => request(GIVE_PARTICIPATION, { participantId }),
    setRight: (participantId, section, right) => request(SET_RIGHT, { input: { participantId, section, right } }),
    setReadsRestricted: (participantId, reads) => (reads ? request(GRANT_RESTRICTED, { id: participantId }) : request(REVOKE_RESTRICTED, { id: participantId })),
    staffOf: async (organizationId) => (await request(UNIT_STAFF, { organizationId })).memberships.map((membership) => membership.person).filter((person) => person.kind === 'PERSONNEL'),
    invite: async ({ personId, nationalIdentityNumber, displayName, role, organizationId }) => {
      const person = personId ? { id: personId } : { nationalIdentityNumber, displayName };
      const outcome = await request(INVITE, { input: { planId, role, organizationId, person } });
      return 'message' in outcome.addParticipant ? outcome.addParticipant.message : null;
    },
  }), [planId]);
  return (
    <section aria-labelledby="records-title" className="records">
      <h2 id="records-title" className="visually-hidden">{t('records.title')}</h2>
      <Lazy<PlanHistoryQuery> id="history" title={t('records.history')} load={() => request(HISTORY, { id: planId })}>
        {(data, reload) => (
          <>
            <h3>{t('records.changes')}</h3>
            <ul>
              {data.plan!.history.edges.map(({ node }, index) => (
                <li key={index}>{t('records.change', { section: t(`sections.${node.section}`), name: node.by.displayName, at: osloTime(node.at), count: node.changes })}</li>
              ))}
            </ul>
            <h3>{t('records.versions', { count: data.plan!.versions.totalCount })}</h3>
            <Versions
              planId={planId}
              versions={data.plan!.versions.edges.map((edge) => edge.node)}
              onChanged={reload}
              createVersion={(id, label) => request(CREATE_VERSION, { input: { planId: id, label } })}
              restoreVersion={(versionId) => request(RESTORE_VERSION, { versionId })}
            />
          </>
        )}
      </Lazy>
      <Lazy<PlanParticipantsQuery> id="participants" title={t('records.participants')} load={() => request(PARTICIPANTS, { id: planId })}>
        {(data, reload) => (
          <Participants
            data={data}
            reload={reload}
            actions={participantActions}
          />
        )}
      </Lazy>
      <Lazy<PlanAccessLogQuery> id="access-log" title={t('records.accessLog')} load={() => request(ACCESS_LOG, { id: planId })}>
        {(data) => (
          <ul>
            {data.plan!.accessLog.edges.map(({ node }) => (
              <li key={node.id}>{t('records.access', { name: node.person.displayName, action: t(`accessAction.${node.action}`), what: node.what, door: t(`accessDoor.${node.door}`), at: osloTime(node.at) })}</li>
            ))}
          </ul>
        )}
      </Lazy>
      <Lazy<PlanArchiveQuery> id="archive" title={t('records.archive')} load={() => request(ARCHIVE, { id: planId })}>
        {(data) =>
          data.plan!.archiveRecords.totalCount === 0 ? <p>{t('records.noArchive')}</p> : (
            <ul>
              {data.plan!.archiveRecords.edges.map(({ node }) => (
                <li key={node.id}>
                  {t(`archiveKind.${node.kind}`, { defaultValue: node.kind })} · {node.createdBy.displayName} · {osloTime(node.createdAt)}{' '}
                  <button type="button" className="secondary" onClick={() => void download(node.urls.pdf, `${node.id}.pdf`)}>PDF</button>{' '}
                  <button type="button" className="secondary" onClick={() => void download(node.urls.json, `${node.id}.json`)}>JSON</button>
                </li>
              ))}
            </ul>
          )
        }
      </Lazy>
    </section>
  );
}
