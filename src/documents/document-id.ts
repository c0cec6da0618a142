import type { DocumentPart } from './document.template.js';

/**
 * A plan document's id: the plan's id for its main document, `<planId>/restricted` for its
 * restricted one. It names the document in storage locks, between servers (src/cluster) and in the
 * hub, and is the room a y-websocket client opens (`/collab/<documentId>`).
 */
export type DocumentId = string;

const RESTRICTED_SUFFIX = '/restricted';

export function documentId(planId: string, part: DocumentPart): DocumentId {
  return part === 'main' ? planId : `${planId}${RESTRICTED_SUFFIX}`;
}

export function parseDocumentId(id: DocumentId): { planId: string; part: DocumentPart } {
  return id.endsWith(RESTRICTED_SUFFIX) ? { planId: id.slice(0, -RESTRICTED_SUFFIX.length), part: 'restricted' } : { planId: id, part: 'main' };
}
