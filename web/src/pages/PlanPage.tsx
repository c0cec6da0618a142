import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import { request, RequestFailed } from '../api/graphql';
import { Section } from '../components/Section';
import { PlanRecords } from '../components/PlanRecords';
import { SaveStatus } from '../components/SaveStatus';
import { graphql } from '../gql';
import type { PlanPageQuery } from '../gql/graphql';
import { LiveDocument, type Refusal } from '../live/live-document';
import { defineSections, SECTION_ORDER } from '../sections';

const PLAN_PAGE = graphql(`
  query PlanPage($id: ID!) {
    me { person { id } memberships { organization { id name } } }
    plan(id: $id) {
      id title status viewerRole endedAt
      owner { displayName }
      participants { id role person { id displayName } organization { id name } }
      sections { key kind canEdit access restricted lastChange { by { displayName } at } }
    }
  }
`);

export type PlanView = NonNullable<PlanPageQuery['plan']>;
export interface Viewer { personId: string; organizationIds: string[]; organizations: Array<{ id: string; name: string }> }

/**
 * Live copies of the plan's documents. A refused change ends a copy: the refusal is kept for the
 * page to show, and new copies are made from the server's state.
 */
function useLiveDocuments(planId: string, restricted: boolean, refresh: () => void) {
  const [generation, setGeneration] = useState(0);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const documents = useMemo(() => {
    const refused = (why: Refusal) => {
      setRefusal(why);
      // A refused change resyncs from the server; lost access has nothing to resync to.
      if (!why.accessLost) {
        setGeneration((value) => value + 1);
        refresh();
      }
    };
    return {
      generation,
      main: new LiveDocument(planId, 'main', defineSections, refused),
      restricted: restricted ? new LiveDocument(planId, 'restricted', defineSections, refused) : null,
    };
  }, [planId, restricted, generation, refresh]);
  useEffect(() => () => {
    documents.main.destroy();
    documents.restricted?.destroy();
  }, [documents]);
  return { documents, refusal, dismissRefusal: useCallback(() => setRefusal(null), []) };
}

function useLiveState(document: LiveDocument | null) {
  return useSyncExternalStore(
    useCallback((listener) => document?.subscribe(listener) ?? (() => undefined), [document]),
    () => document?.state ?? null,
  );
}

/** The plan: every section in the regulation's order, live, editable where the viewer may edit. */
export function PlanPage({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const [data, setData] = useState<PlanPageQuery | null>(null);
  const [error, setError] = useState<Error | null>(null);
  // Read again after changes: NOT_FOUND then means access has ended (consent withdrawn, removed);
  // any other failure keeps the page as it is, live, rather than replacing it with an error.
  const load = useCallback(
    () =>
      request(PLAN_PAGE, { id: planId }).then(setData, (failure: Error) =>
        setError((previous) => (failure instanceof RequestFailed && failure.code === 'NOT_FOUND' ? failure : (previous ?? failure))),
      ),
    [planId],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const notFound = (error instanceof RequestFailed && error.code === 'NOT_FOUND') || (data !== null && !data.plan);
  if (notFound) {
    return (
      <div role="alert" className="refusal" data-access-lost>
        <h1>{data ? t('lost.title') : t('lost.notFound')}</h1>
        <p><a href="#/">{t('plan.back')}</a></p>
      </div>
    );
  }
  if (error && !data) return <p role="alert">{t('app.error', { message: error.message })}</p>;
  if (!data?.plan) return <p role="status">{t('app.loading')}</p>;
  const viewer: Viewer = { personId: data.me.person.id, organizationIds: data.me.memberships.map((membership) => membership.organization.id), organizations: data.me.memberships.map((membership) => membership.organization) };
  return <LivePlan plan={data.plan} viewer={viewer} refresh={load} />;
}

function LivePlan({ plan, viewer, refresh }: { plan: PlanView; viewer: Viewer; refresh: () => void }) {
  const { t } = useTranslation();
  const hasRestricted = plan.sections.some((section) => section.restricted);
  const { documents, refusal, dismissRefusal } = useLiveDocuments(plan.id, hasRestricted, refresh);
  const main = useLiveState(documents.main)!;
  const restricted = useLiveState(documents.restricted);

  // Others' changes: who changed each section last comes from the server's record.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, 1_000);
    };
    documents.main.doc.on('update', later);
    return () => {
      if (timer) clearTimeout(timer);
      documents.main.doc.off('update', later);
    };
  }, [documents, refresh]);

  if (refusal?.accessLost) {
    return (
      <div role="alert" className="refusal" data-access-lost>
        <h1>{t('lost.title')}</h1>
        <p>{t('lost.why', { reason: refusal.reason })}</p>
        <p><a href="#/">{t('plan.back')}</a></p>
      </div>
    );
  }
  const states = [main, restricted].filter((state): state is NonNullable<typeof state> => state !== null);
  const present = new Map(states.flatMap((state) => state.present).map((person) => [`${person.name}|${person.role}`, person]));
  const sections = SECTION_ORDER.flatMap((key) => plan.sections.filter((section) => section.key === key));

  return (
    <>
      <p><a href="#/">{t('plan.back')}</a></p>
      <h1>{plan.title}</h1>
      <SaveStatus states={states} />
      {refusal && (
        <div role="alert" className="refusal">
          <p>{refusal.section ? t('plan.refused', { section: t(`sections.${refusal.section}`, { defaultValue: refusal.section }), reason: /^You may not edit /.test(refusal.reason) ? t('plan.forbidden') : refusal.reason }) : t('plan.refusedNoSection', { reason: refusal.reason })}</p>
          {refusal.kept && (
            <>
              <label htmlFor="kept-text">{t('plan.kept')}</label>
              <textarea id="kept-text" readOnly value={refusal.kept} rows={4} />
              <button type="button" onClick={() => void navigator.clipboard?.writeText(refusal.kept)}>{t('plan.copy')}</button>
            </>
          )}
          <button type="button" onClick={dismissRefusal}>{t('plan.dismiss')}</button>
        </div>
      )}
      <section aria-labelledby="present-title" className="present">
        <h2 id="present-title">{t('plan.present')}</h2>
        {present.size === 0 ? <p>{t('plan.presentNone')}</p> : (
          <ul>
            {[...present.values()].map((person) => <li key={`${person.name}|${person.role}`} data-present={person.name}>{person.name} ({t(`roles.${person.role}`, { defaultValue: person.role })})</li>)}
          </ul>
        )}
      </section>
      {sections.map((section) => (
        <Section
          key={`${section.key}-${section.restricted ? documents.restricted?.doc.clientID : documents.main.doc.clientID}`}
          section={section}
          plan={plan}
          viewer={viewer}
          doc={(section.restricted ? documents.restricted!.doc : documents.main.doc) as Y.Doc}
        />
      ))}
      <PlanRecords planId={plan.id} />
    </>
  );
}
