import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SectionKey } from '../gql/graphql';
import { osloTime } from '../i18n/i18n';
import { SECTION_ORDER } from '../sections';

interface Version { id: string; label: string; kind: string; author: { displayName: string }; createdAt: string; content: unknown }

/** A version's content as the person reads it: each section's words, in the regulation's order. */
function VersionContent({ content }: { content: unknown }) {
  const { t } = useTranslation();
  const sections = (content ?? {}) as Partial<Record<SectionKey, unknown>>;
  const words = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(words) : value && typeof value === 'object' ? Object.entries(value).filter(([key]) => !key.endsWith('Id') && key !== 'id').flatMap(([, inner]) => words(inner)) : [];
  return (
    <dl className="version-content">
      {SECTION_ORDER.filter((key) => key in sections).map((key) => (
        <div key={key}>
          <dt>{t(`sections.${key}`)}</dt>
          <dd>{words(sections[key]).filter(Boolean).join(' · ') || '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Saved versions: save the plan as it is now under a name, read one, restore one (where the server allows it). */
export function Versions({ planId, versions, onChanged, createVersion, restoreVersion }: {
  planId: string;
  versions: Version[];
  onChanged: () => void;
  createVersion: (planId: string, label: string) => Promise<unknown>;
  restoreVersion: (versionId: string) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [label, setLabel] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const run = (work: Promise<unknown>, done: string) =>
    work.then(
      () => {
        setMessage(done);
        onChanged();
      },
      (error: unknown) => setMessage(t('app.error', { message: (error as Error).message })),
    );
  return (
    <>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run(createVersion(planId, label), t('versions.saved', { label }));
          setLabel('');
        }}
      >
        <label htmlFor={`${id}-label`}>{t('versions.label')}</label>{' '}
        <input id={`${id}-label`} value={label} onChange={(event) => setLabel(event.target.value)} required maxLength={200} />{' '}
        <button type="submit">{t('versions.save')}</button>
      </form>
      <p role="status" aria-live="polite">{message}</p>
      <ul className="versions">
        {versions.map((version) => (
          <li key={version.id} data-version={version.label}>
            {version.label} · {t(`versionKind.${version.kind}`)} · {version.author.displayName} · {osloTime(version.createdAt)}{' '}
            <button type="button" className="secondary" aria-expanded={open === version.id} onClick={() => setOpen(open === version.id ? null : version.id)}>{t('versions.show')}</button>{' '}
            <button type="button" className="secondary" onClick={() => void run(restoreVersion(version.id), t('versions.restored', { label: version.label }))} aria-label={t('versions.restoreNamed', { label: version.label })}>
              {t('versions.restore')}
            </button>
            {open === version.id && <VersionContent content={version.content} />}
          </li>
        ))}
      </ul>
    </>
  );
}
