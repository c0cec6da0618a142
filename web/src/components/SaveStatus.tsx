import { useTranslation } from 'react-i18next';
import type { LiveState } from '../live/live-document';

/** Whether what this page holds is saved, announced politely to screen readers as it changes. */
export function SaveStatus({ states }: { states: LiveState[] }) {
  const { t } = useTranslation();
  const offline = states.some((state) => state.connection === 'offline');
  const connecting = states.some((state) => state.connection === 'connecting' || !state.synced);
  const unsaved = states.some((state) => !state.saved);
  const [message, kind] =
    offline ? [t('plan.offline'), 'offline']
    : unsaved ? [t('plan.unsaved'), 'unsaved']
    : connecting ? [t('plan.connecting'), 'connecting']
    : [t('plan.saved'), 'saved'];
  return (
    <p role="status" aria-live="polite" className={`save-status ${kind}`} data-save-status={offline && unsaved ? 'offline-unsaved' : kind}>
      {offline && unsaved ? `${t('plan.unsaved')} – ${message}` : message}
    </p>
  );
}
