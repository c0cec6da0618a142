import { checkAccessLogChain, plansWithAccessLog, type AccessLogIntegrity } from '../access-log/access-log-chain.js';
import { parseIdOrNull } from '../shared/ids.js';
import { runCli, withDatabase } from './with-database.js';

/** How often, at most, a progress line goes to stderr while many plans are checked. */
const PROGRESS_EVERY_MS = 1000;

/**
 * `npm run verify-access-log [planId …]`: checks every plan's access log (or the plans named)
 * against its hash chain. One line per plan on stdout, `OK` with the chain's head (keep these
 * lines outside the database: a head that later goes back or changes shows a rewritten chain) or
 * `BROKEN` with the first broken link; progress and logs on stderr; exits 1 when any chain is broken.
 */
runCli(() =>
  withDatabase(async (orm) => {
    const em = orm.em.fork();
    const named = process.argv.slice(2);
    const notIds = named.filter((id) => !parseIdOrNull(id));
    if (notIds.length) throw new Error(`Not plan ids: ${notIds.join(', ')}`);
    const planIds = named.length ? named : await plansWithAccessLog(em);
    process.stderr.write(`Checking ${planIds.length} plan(s)…\n`);
    let broken = 0;
    let lastProgress = Date.now();
    for (const [index, planId] of planIds.entries()) {
      const result = await checkAccessLogChain(em, planId);
      if (!result.intact) broken += 1;
      process.stdout.write(`${describe(result)}\n`);
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        process.stderr.write(`… ${index + 1}/${planIds.length} plans checked, ${broken} broken\n`);
      }
    }
    process.stderr.write(`Checked ${planIds.length} plan(s): ${planIds.length - broken} intact, ${broken} broken.\n`);
    if (broken) throw new Error(`The access log of ${broken} plan(s) is broken: an entry was removed or changed.`);
  }),
);

function describe(result: AccessLogIntegrity): string {
  if (result.intact) {
    const head = result.head ? `head ${result.head.seq}:${result.head.hash}` : 'no entries';
    return `OK      ${result.planId}  ${result.checkedEntries} entries  ${head}`;
  }
  return `BROKEN  ${result.planId}  first broken at entry ${result.firstBrokenAt}: ${result.problem} (${result.checkedEntries} entries found)`;
}
