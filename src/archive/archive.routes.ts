import express, { type Request, type Response, type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { recordAccess } from '../access-log/access-log.js';
import type { Authenticator } from '../auth/authenticator.js';
import { proofTargetOf } from '../auth/proof-target.js';
import { ERROR_TABLE, errorCodeOf, type ErrorCode } from '../errors/error-codes.js';
import type { Logger } from '../logging/logger.js';
import { withoutTransaction } from '../db/unit-of-work.js';
import { loadPlanFacts } from '../plans/plan.with-facts.js';
import { can } from '../policy/policy.js';
import type { Clock } from '../shared/clock.js';
import { parseIdOrNull } from '../shared/ids.js';
import { SECTIONS, holdsContent } from '../documents/document.template.js';
import { loadRestrictedReaderIds } from '../documents/restricted-readers.js';
import { withoutRestricted, type ArchiveContent } from './archive-content.js';
import { renderArchiveHtml } from './render-html.js';
import { renderArchivePdf } from './render-pdf.js';

export const ARCHIVE_FORMATS = ['json', 'html', 'pdf'] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

/** Where a record is downloaded from; `Plan.archiveRecords { urls }` hands these out. */
export const archiveUrl = (planId: string, recordId: string, format: ArchiveFormat) => `/plans/${planId}/archive/${recordId}.${format}`;

export interface ArchiveRouteDeps {
  orm: MikroORM;
  authenticator: Authenticator;
  clock: Clock;
  logger: Logger;
  /** Config `ENDED_PLAN_READ_DAYS`: after a plan ends, only the person and guardians download past it. */
  endedPlanReadDays: number;
  /** The public URL DPoP proofs name, behind a proxy (src/auth/proof-target.ts). */
  apiUrl: string | null;
}

const CONTENT_TYPES: Record<ArchiveFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** Errors as JSON with the code of the one error table, like GraphQL's `extensions.code`. */
function fail(res: Response, code: ErrorCode, message: string): void {
  res.status(ERROR_TABLE[code].httpStatus).json({ error: { code, message } });
}

/**
 * `GET /plans/:planId/archive/:recordId.(json|html|pdf)` with `Authorization: Bearer`. Order of
 * refusals: no or bad token 401, unknown format 400, then 404 for anything the caller may not
 * download, so nobody learns whether a plan or record exists. Who may is the policy's
 * `plan.downloadArchive`, asked with facts loaded for this very request: a withdrawn consent, a
 * removal or a closed follow-up window after the plan's end stops the next download.
 */
export function archiveRoutes(deps: ArchiveRouteDeps): Router {
  const router = express.Router();
  router.get('/plans/:planId/archive/:file', async (req: Request<{ planId: string; file: string }>, res: Response) => {
    try {
      const actor = await deps.authenticator.actorFromAuthorization(req.headers.authorization, proofTargetOf(req, deps.apiUrl));
      if (!actor) return fail(res, 'UNAUTHENTICATED', 'A valid bearer token is required');
      const match = /^([^.]+)\.([^.]+)$/.exec(req.params.file);
      const format = match?.[2] as ArchiveFormat | undefined;
      if (!match || !format || !(ARCHIVE_FORMATS as readonly string[]).includes(format)) {
        return fail(res, 'BAD_USER_INPUT', `Ask for <recordId>.json, .html or .pdf`);
      }
      const planId = parseIdOrNull(req.params.planId);
      const recordId = parseIdOrNull(match[1]!);
      const em = deps.orm.em.fork();
      const now = deps.clock.now();
      const facts = planId && recordId ? await loadPlanFacts(withoutTransaction(em), planId, now, deps.endedPlanReadDays) : null;
      if (!facts || !can(actor, 'plan.downloadArchive', facts)) return fail(res, 'NOT_FOUND', 'Archive record not found');
      const [row] = await em.execute<Array<{ record: ArchiveContent; kind: string }>>(
        `select "record", "kind" from "archive_record" where "id" = ? and "plan_id" = ?`,
        [recordId, planId],
      );
      if (!row) return fail(res, 'NOT_FOUND', 'Archive record not found');

      // The restricted sections only for those the person chose (docs/document-model.md).
      const readsRestricted = can(actor, 'plan.readRestricted', { plan: facts, restrictedReaderIds: await loadRestrictedReaderIds(em, facts.planId) });
      const record = readsRestricted ? row.record : withoutRestricted(row.record);
      const body = format === 'json' ? JSON.stringify(record, null, 2) : format === 'html' ? renderArchiveHtml(record) : await renderArchivePdf(record);
      // Logged before it is sent: a download that is not logged must not happen (Normen). Handing
      // out the person's restricted sections is a row of its own.
      const read = (what: string) => ({ planId: facts.planId, personId: actor.personId, action: 'READ' as const, what, door: 'ARCHIVE' as const, at: now });
      const restricted = record.sections.some((section) => SECTIONS[section.key]?.restricted && holdsContent(section.content));
      await recordAccess(em, [read(`archive.${format}`), ...(restricted ? [read(`archive.${format}:restricted`)] : [])]);
      res.set({
        'content-type': CONTENT_TYPES[format],
        'content-disposition': `${format === 'html' ? 'inline' : 'attachment'}; filename="plan-archive-${row.kind.toLowerCase()}-${recordId}.${format}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // The page is static: no scripts, no outside resources, whatever a plan's text holds.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      });
      res.status(200).send(body);
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ event: 'archive.download_failed', err: error });
      fail(res, code, code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : (error as Error).message);
    }
  });
  return router;
}
