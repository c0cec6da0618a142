import type { EntryFacts } from '../policy/policy.js';
import type { SectionKey } from './document.template.js';

/**
 * One thing a change touches: a section, and within a list section one entry. The inspector
 * (src/documents/update-inspector.ts) and its trial reading (trial-inspection.ts) both produce them;
 * the policy is asked about each.
 */
export interface Touch {
  section: SectionKey;
  /** The entry's Yjs item, as a key for de-duplication (not the entry's `id` field); null for a record section. */
  entryKey: string | null;
  entry: EntryFacts | null;
  /** The change creates this entry. */
  isNewEntry: boolean;
}
