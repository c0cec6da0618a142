import { useEffect, useReducer } from 'react';
import { useTranslation } from 'react-i18next';
import * as Y from 'yjs';
import type { SectionKey } from '../gql/graphql';
import { osloTime } from '../i18n/i18n';
import type { PlanView, Viewer } from '../pages/PlanPage';
import { MEASURE_STATUSES, SECTION_SHAPES, type FieldKind } from '../sections';
import { TextField } from './TextField';

type SectionView = PlanView['sections'][number];

/** Re-renders when anything under `type` changes (an entry added, a field set). */
function useObserveDeep(type: Y.AbstractType<unknown>) {
  const [, bump] = useReducer((value: number) => value + 1, 0);
  useEffect(() => {
    const observer = () => bump();
    type.observeDeep(observer);
    return () => type.unobserveDeep(observer);
  }, [type]);
}

/**
 * One section of the plan: its entries or fields, text bound live to the document, editable as
 * far as the server's policy says (`access`), with the reason in words where it is read-only.
 */
export function Section({ section, plan, viewer, doc }: { section: SectionView; plan: PlanView; viewer: Viewer; doc: Y.Doc }) {
  const { t } = useTranslation();
  const key = section.key as SectionKey;
  const shape = SECTION_SHAPES[key];
  const root = shape.kind === 'list' ? doc.getArray<Y.Map<unknown>>(key) : doc.getMap<unknown>(key);
  useObserveDeep(root as Y.AbstractType<unknown>);
  const ended = plan.status === 'ENDED';
  const role = t(`roles.${plan.viewerRole ?? 'NONE'}`);
  const reason = ended ? t('reasons.ENDED') : section.access === 'NONE' ? t('reasons.NONE', { role }) : section.access === 'ALL' ? null : t(`reasons.${section.access}`);
  const titleId = `section-${key}`;
  const reasonId = `${titleId}-reason`;
  const people = new Map(plan.participants.map((participant) => [participant.person.id, participant.person.displayName]));
  const units = new Map(plan.participants.flatMap((participant) => (participant.organization ? [[participant.organization.id, participant.organization.name]] : [])));

  const mayEditEntry = (entry: Y.Map<unknown>) => {
    if (ended) return false;
    if (section.access === 'ALL') return true;
    if (section.access === 'OWN') return entry.get('personId') === viewer.personId;
    if (section.access === 'ORGANIZATION') return viewer.organizationIds.includes(String(entry.get('organizationId')));
    return false;
  };
  const mayAdd = !ended && section.access !== 'NONE' && (shape.owner !== 'organizationId' || viewer.organizationIds.length > 0 || section.access === 'ALL');

  const addEntry = () => {
    doc.transact(() => {
      const entry = new Y.Map<unknown>();
      entry.set('id', crypto.randomUUID());
      for (const [field, kind] of Object.entries(shape.fields)) if (kind === 'text') entry.set(field, new Y.Text());
      if (shape.owner === 'personId') entry.set('personId', viewer.personId);
      if (shape.owner === 'organizationId' && viewer.organizationIds[0]) entry.set('organizationId', viewer.organizationIds[0]);
      (root as Y.Array<Y.Map<unknown>>).push([entry]);
    });
  };

  const value = (field: string, kind: FieldKind, raw: unknown) => {
    if (raw === undefined || raw === null || raw === '') return '—';
    if (kind === 'person') return people.get(String(raw)) ?? '—';
    if (kind === 'organization') return units.get(String(raw)) ?? String(raw);
    if (kind === 'status') return t(`measureStatus.${String(raw)}`, { defaultValue: String(raw) });
    if (kind === 'dates' && Array.isArray(raw)) return raw.join(', ');
    if (field === 'at') return osloTime(String(raw));
    return String(raw);
  };

  const fields = (container: Y.Map<unknown>, editable: boolean, prefix: string) => (
    <dl className="fields">
      {Object.entries(shape.fields).map(([field, kind]) => {
        const labelId = `${prefix}-${field}`;
        const raw = container.get(field);
        return (
          <div key={field} className="field">
            <dt id={labelId}>{t(`fields.${field}`)}</dt>
            <dd>
              {kind === 'text' && raw instanceof Y.Text ? (
                <TextField text={raw} labelId={labelId} readOnly={!editable} describedBy={reason ? reasonId : undefined} />
              ) : kind === 'text' && editable ? (
                <button type="button" onClick={() => container.set(field, new Y.Text())} aria-describedby={labelId}>{t('plan.write')}</button>
              ) : kind === 'date' && editable ? (
                <input type="date" aria-labelledby={labelId} value={typeof raw === 'string' ? raw : ''} onChange={(event) => (event.target.value ? container.set(field, event.target.value) : container.delete(field))} />
              ) : kind === 'organization' && editable && section.access === 'ALL' ? (
                <select aria-labelledby={labelId} value={typeof raw === 'string' ? raw : ''} onChange={(event) => container.set(field, event.target.value)}>
                  {typeof raw !== 'string' && <option value="">—</option>}
                  {[...new Map([...units, ...viewer.organizations.map((unit) => [unit.id, unit.name] as const)])].map(([id, name]) => <option key={id} value={id}>{name}</option>)}
                </select>
              ) : kind === 'status' && editable ? (
                <select aria-labelledby={labelId} value={typeof raw === 'string' ? raw : ''} onChange={(event) => container.set(field, event.target.value)}>
                  {typeof raw !== 'string' && <option value="">—</option>}
                  {MEASURE_STATUSES.map((status) => <option key={status} value={status}>{t(`measureStatus.${status}`)}</option>)}
                </select>
              ) : (
                <span>{kind === 'text' ? '—' : value(field, kind, raw)}</span>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );

  const entries = shape.kind === 'list' ? (root as Y.Array<Y.Map<unknown>>).toArray() : [];
  return (
    <section aria-labelledby={titleId} className="section" data-section={key}>
      <h2 id={titleId}>{t(`sections.${key}`)}</h2>
      <p className="last-change">
        {section.lastChange ? t('plan.lastChange', { name: section.lastChange.by.displayName, at: osloTime(section.lastChange.at) }) : t('plan.neverChanged')}
      </p>
      {reason && <p id={reasonId} className="reason">{section.access === 'NONE' || ended ? t('plan.readOnly', { reason }) : reason}</p>}
      {shape.kind === 'record' ? (
        fields(root as Y.Map<unknown>, !ended && section.access === 'ALL', `${key}`)
      ) : entries.length === 0 ? (
        <p>{t('plan.empty')}</p>
      ) : (
        <ol className="entries">
          {entries.map((entry, index) => {
            const editable = mayEditEntry(entry);
            const id = String(entry.get('id') ?? index);
            return (
              <li key={id} className="entry" aria-label={t('plan.entry', { n: index + 1 })}>
                {fields(entry, editable, `${key}-${id}`)}
                {editable && (
                  <button type="button" className="secondary" onClick={() => (root as Y.Array<unknown>).delete(index, 1)}>
                    {t('plan.removeEntry')}
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {shape.kind === 'list' && mayAdd && (
        <button type="button" onClick={addEntry} data-add={key}>{t('plan.addEntry')}: {t(`sections.${key}`)}</button>
      )}
    </section>
  );
}
