import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParticipantRole, PlanParticipantsQuery, SectionKey, SectionRight } from '../gql/graphql';
import { osloTime } from '../i18n/i18n';
import { SECTION_ORDER } from '../sections';

type Data = PlanParticipantsQuery;
export interface ParticipantActions {
  withdraw(consentId: string): Promise<unknown>;
  giveConsent(participantId: string): Promise<unknown>;
  invite(input: { personId: string | null; nationalIdentityNumber: string; displayName: string; role: ParticipantRole; organizationId: string | null }): Promise<string | null>;
  /** The unit's staff by name (its leads and administrators may list them); throws when the viewer may not. */
  staffOf(organizationId: string): Promise<Array<{ id: string; displayName: string }>>;
  setRight(participantId: string, section: SectionKey, right: SectionRight): Promise<unknown>;
  setReadsRestricted(participantId: string, reads: boolean): Promise<unknown>;
}

/** Who takes part and as what, their consent, their rights per section; invite and change where the viewer may manage. */
export function Participants({ data, actions, reload }: { data: Data; actions: ParticipantActions; reload: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const plan = data.plan!;
  const [message, setMessage] = useState('');
  const [form, setForm] = useState({ nationalIdentityNumber: '', displayName: '', role: 'RELATIVE' as ParticipantRole, organizationId: '' });
  const [rightsOf, setRightsOf] = useState<string | null>(null);
  // A provider is found by name among the unit's staff where the viewer may list them, else by number.
  // Kept with the unit it lists, so another unit's list (or a choice from it) never shows while the new one loads.
  const [staffOf, setStaffOf] = useState<{ organizationId: string; people: Array<{ id: string; displayName: string }> } | null>(null);
  const [chosenId, setChosenId] = useState('');
  const organizationId = form.role === 'PROVIDER' ? form.organizationId : '';
  useEffect(() => {
    if (!organizationId) return;
    let current = true;
    actions.staffOf(organizationId).then(
      (people) => current && setStaffOf({ organizationId, people }),
      () => current && setStaffOf(null),
    );
    return () => {
      current = false;
    };
  }, [organizationId, actions]);
  const staff = organizationId && staffOf?.organizationId === organizationId ? staffOf.people : null;
  const byName = staff !== null && staff.length > 0;
  const staffId = staff?.some((person) => person.id === chosenId) ? chosenId : '';
  const after = (work: Promise<unknown>) =>
    work.then(
      () => reload(),
      (error: unknown) => setMessage(t('app.error', { message: (error as Error).message })),
    );

  return (
    <>
      <table>
        <thead>
          <tr><th scope="col">{t('dashboard.person')}</th><th scope="col">{t('records.role')}</th><th scope="col">{t('records.consent')}</th><th scope="col">{t('dashboard.actions')}</th></tr>
        </thead>
        <tbody>
          {plan.participants.map((participant) => {
            // Taking part rests on the PARTICIPATE consent; withdrawing it ends the participation.
            const standing = participant.consents.find((consent) => consent.current && consent.scope === 'PARTICIPATE');
            return (
              <tr key={participant.id} data-participant={participant.person.displayName}>
                <td>{participant.person.displayName}{participant.organization ? ` (${participant.organization.name})` : ''}</td>
                <td>{t(`roles.${participant.role}`)}</td>
                <td>{participant.pendingConsent ? t('records.pending') : standing ? t('records.given', { at: osloTime(standing.givenAt) }) : participant.role === 'OWNER' ? '—' : t('records.none')}</td>
                <td>
                  {/* The person (or their guardian) consents to each participant taking part. */}
                  {participant.pendingConsent && (plan.viewerRole === 'OWNER' || plan.viewerRole === 'GUARDIAN') && (
                    <button type="button" onClick={() => void after(actions.giveConsent(participant.id))} aria-label={t('participants.consentFor', { name: participant.person.displayName })}>
                      {t('plans.giveConsent')}
                    </button>
                  )}{' '}
                  {standing && participant.role !== 'OWNER' && (
                    <button type="button" className="secondary" onClick={() => void after(actions.withdraw(standing.id))} aria-label={t('records.withdrawFor', { name: participant.person.displayName })}>
                      {t('records.withdraw')}
                    </button>
                  )}{' '}
                  {plan.viewerCanManageParticipants && participant.role !== 'OWNER' && (
                    <button type="button" className="secondary" aria-expanded={rightsOf === participant.id} onClick={() => setRightsOf(rightsOf === participant.id ? null : participant.id)} aria-label={t('participants.rightsFor', { name: participant.person.displayName })}>
                      {t('participants.rights')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rightsOf && (() => {
        const participant = plan.participants.find((candidate) => candidate.id === rightsOf)!;
        return (
          <fieldset className="rights" data-rights={participant.person.displayName}>
            <legend>{t('participants.rightsFor', { name: participant.person.displayName })}</legend>
            {participant.role !== 'GUARDIAN' && (
              <label className="right">
                <input type="checkbox" checked={participant.readsRestricted} onChange={(event) => void after(actions.setReadsRestricted(participant.id, event.target.checked))} />{' '}
                {t('participants.readsRestricted')}
              </label>
            )}
            {SECTION_ORDER.map((section) => {
              const right = participant.sectionRights.find((candidate) => candidate.section === section);
              if (!right) return null;
              return (
                <label key={section} className="right">
                  {t(`sections.${section}`)} ({t(`access.${right.access}`)}){' '}
                  <select value={right.granted ?? 'DEFAULT'} onChange={(event) => void after(actions.setRight(participant.id, section, event.target.value as SectionRight))}>
                    <option value="DEFAULT">{t('participants.default')}</option>
                    <option value="EDIT">{t('participants.edit')}</option>
                    <option value="READ">{t('participants.read')}</option>
                  </select>
                </label>
              );
            })}
          </fieldset>
        );
      })()}
      {plan.viewerCanManageParticipants && (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            void actions.invite({ ...form, personId: byName ? staffId : null, organizationId: form.role === 'PROVIDER' ? form.organizationId || null : null }).then((outcome) => {
              setMessage(outcome ?? t('participants.invited', { name: byName ? staff!.find((person) => person.id === staffId)?.displayName : form.displayName }));
              // The number is not left on the screen once it has done its work.
              if (!outcome) {
                setForm({ nationalIdentityNumber: '', displayName: '', role: 'RELATIVE', organizationId: '' });
                setChosenId('');
              }
              reload();
            }, (error: unknown) => setMessage(t('app.error', { message: (error as Error).message })));
          }}
        >
          <h3>{t('participants.invite')}</h3>
          <label htmlFor={`${id}-role`}>{t('records.role')}</label>
          <select id={`${id}-role`} value={form.role} onChange={(event) => setForm({ ...form, role: event.target.value as ParticipantRole })}>
            <option value="RELATIVE">{t('roles.RELATIVE')}</option>
            {data.me.memberships.length > 0 && <option value="PROVIDER">{t('roles.PROVIDER')}</option>}
          </select>
          {form.role === 'PROVIDER' && (
            <>
              <label htmlFor={`${id}-unit`}>{t('fields.organizationId')}</label>
              <select id={`${id}-unit`} value={form.organizationId} onChange={(event) => setForm({ ...form, organizationId: event.target.value })} required>
                <option value="">—</option>
                {data.me.memberships.map(({ organization }) => <option key={organization.id} value={organization.id}>{organization.name}</option>)}
              </select>
            </>
          )}
          {byName ? (
            <>
              <label htmlFor={`${id}-staff`}>{t('participants.staff')}</label>
              <select id={`${id}-staff`} value={staffId} onChange={(event) => setChosenId(event.target.value)} required>
                <option value="">—</option>
                {staff!.map((person) => <option key={person.id} value={person.id}>{person.displayName}</option>)}
              </select>
            </>
          ) : (
            <>
              <label htmlFor={`${id}-nin`}>{t('participants.nationalIdentityNumber')}</label>
              <input id={`${id}-nin`} value={form.nationalIdentityNumber} onChange={(event) => setForm({ ...form, nationalIdentityNumber: event.target.value })} inputMode="numeric" pattern="\d{11}" required autoComplete="off" />
              <label htmlFor={`${id}-name`}>{t('participants.name')}</label>
              <input id={`${id}-name`} value={form.displayName} onChange={(event) => setForm({ ...form, displayName: event.target.value })} required maxLength={200} />
            </>
          )}
          <button type="submit">{t('participants.send')}</button>
        </form>
      )}
      <p role="status" aria-live="polite">{message}</p>
    </>
  );
}
