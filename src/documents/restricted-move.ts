import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { restoreContent } from './content-edits.js';
import { RESTRICTED_SECTION_KEYS, SECTIONS, defineSections, holdsContent, isSectionKey, partOf, sectionContent, type DocumentPart, type SectionKey } from './document.template.js';

/**
 * Plans made before the restricted document kept their situation in the main document, which
 * everyone whose consent covers the content reads. The first time such a plan is opened, the hub
 * moves it (docs/document-model.md, "Plans from before the split"): the restricted document gets
 * the content, then the main document's copy is deleted, both as the server's own changes.
 */

/** Whether a main document still holds content of a restricted section. */
export function holdsRestrictedContent(main: Y.Doc): boolean {
  return RESTRICTED_SECTION_KEYS.some((key) => holdsContent(sectionContent(main, key)));
}

/**
 * The restricted sections' content of `main`, as an update for the restricted document. It is the
 * same bytes on every server (a client id drawn from the plan's id, fields in a fixed order), so
 * two servers that open the plan at once write the same items, and the second is a no-op.
 */
export function movedContentUpdate(planId: string, main: Y.Doc): Uint8Array {
  const fresh = new Y.Doc();
  try {
    fresh.clientID = createHash('sha256').update(`samplan.restricted-move:${planId}`).digest().readUInt32BE(0);
    defineSections(fresh);
    const content = Object.fromEntries(RESTRICTED_SECTION_KEYS.map((key) => [key, sorted(sectionContent(main, key))])) as Record<SectionKey, unknown>;
    restoreContent(fresh, content, RESTRICTED_SECTION_KEYS);
    return Y.encodeStateAsUpdate(fresh);
  } finally {
    fresh.destroy();
  }
}

/** An update for `main` that deletes everything its restricted sections hold (deletions only). */
export function clearingUpdate(main: Y.Doc): Uint8Array {
  const draft = new Y.Doc();
  try {
    defineSections(draft);
    Y.applyUpdate(draft, Y.encodeStateAsUpdate(main));
    const before = Y.encodeStateVector(draft);
    for (const key of RESTRICTED_SECTION_KEYS) {
      if (SECTIONS[key].kind === 'list') draft.getArray(key).delete(0, draft.getArray(key).length);
      else for (const field of [...draft.getMap(key).keys()]) draft.getMap(key).delete(field);
    }
    return Y.encodeStateAsUpdate(draft, before);
  } finally {
    draft.destroy();
  }
}

/**
 * Whether a change committed to a plan's document is the server's move out of its main document:
 * no other change of a restricted section is accepted there. Other servers hear a commit without
 * knowing who made it (src/cluster), and must not announce this one as an edit of the situation.
 */
export function isMoveOutOfMain(part: DocumentPart, sections: readonly string[]): boolean {
  return part === 'main' && sections.some((section) => isSectionKey(section) && partOf(section) === 'restricted');
}

/** A record's fields (or each list entry's) in key order: the order they are written in. */
function sorted(content: unknown): unknown {
  const byKey = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)));
  if (Array.isArray(content)) return content.map((entry) => byKey(entry as Record<string, unknown>));
  return byKey(content as Record<string, unknown>);
}
