import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { tableOwnership, tablesNamedIn } from '../eslint/table-ownership.js';
import { TABLE_OWNERS } from '../eslint/table-owners.js';
import { entities } from '../src/db/entities.js';

/**
 * The rules that keep each table with one owner (eslint/, docs/architecture.md) are only as good
 * as what they catch: these tests hold the map to the migrations and the entities, and try the
 * rules on code that breaks them the ways a hurried change would.
 */
const root = path.resolve(import.meta.dirname, '..');

function tablesTheMigrationsCreate(): string[] {
  const dir = path.join(root, 'migrations');
  const sql = readdirSync(dir).filter((file) => file.startsWith('Migration')).map((file) => readFileSync(path.join(dir, file), 'utf8')).join('\n');
  return [...sql.matchAll(/create table (?:if not exists )?"?([a-z_]+)"?/gi)].map((match) => match[1]!.toLowerCase());
}

describe('the table map', () => {
  it('names an owner for every table the migrations create, and no table they do not', () => {
    const created = new Set(tablesTheMigrationsCreate());
    expect([...created].sort()).toEqual(Object.keys(TABLE_OWNERS).sort());
  });

  it("puts each entity in its table's module", () => {
    for (const schema of entities) {
      const { tableName, className } = schema.meta;
      const owner = TABLE_OWNERS[tableName!];
      expect(owner, `${className} (${tableName})`).toBeDefined();
      const file = readdirSync(path.join(root, 'src', owner!)).filter((name) => name.endsWith('.entity.ts'))
        .find((name) => readFileSync(path.join(root, 'src', owner!, name), 'utf8').includes(`'${tableName}'`));
      expect(file, `${className}: no entity file in src/${owner} declares table ${tableName}`).toBeDefined();
    }
  });
});

describe('samplan/table-ownership', () => {
  it('finds a table in SQL however it is written, and not in prose', () => {
    expect(tablesNamedIn('select * from "plan" p')).toEqual(['plan']);
    expect(tablesNamedIn('SELECT id FROM plan WHERE x')).toEqual(['plan']);
    expect(tablesNamedIn('insert into participant (id) values (?)')).toEqual(['participant']);
    expect(tablesNamedIn('update "plan" set "status" = ?')).toEqual(['plan']);
    expect(tablesNamedIn('delete from public.consent where id = ?')).toEqual(['consent']);
    expect(tablesNamedIn('select 1 from a join "plan_version" v on true')).toEqual(['plan_version']);
    expect(tablesNamedIn('lock table "plan" in share mode')).toEqual(['plan']);
    // Longest name first: plan_update is not plan.
    expect(tablesNamedIn('select * from plan_update')).toEqual(['plan_update']);
    expect(tablesNamedIn('You were removed from plan by the coordinator')).toEqual([]);
    expect(tablesNamedIn('select "plan_id" from "deadline"')).toEqual(['deadline']);
  });

  const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
  const inConsent = path.join(root, 'src/consent/example.ts');
  const inPlans = path.join(root, 'src/plans/example.ts');
  it('reports another module naming a table, and lets the owner name it', () => {
    tester.run('table-ownership', tableOwnership, {
      valid: [
        { filename: inPlans, code: 'em.execute(`update "plan" set "status" = ? where "id" = ?`, [s, id]);' },
        { filename: inConsent, code: 'em.execute(`select * from "consent" c join ${PLANS} p on p.plan_id = c.plan_id`);' },
        { filename: inConsent, code: "throw new Error('You were removed from plan');" },
        { filename: path.join(root, 'src/db/prepare.ts'), code: "em.execute('grant select on \"plan\" to app');" },
      ],
      invalid: [
        { filename: inConsent, code: 'em.execute(`update "plan" set "status" = ?`);', errors: [{ messageId: 'foreign' }] },
        { filename: inConsent, code: "em.execute('select id from participant where plan_id = ?');", errors: [{ messageId: 'foreign' }] },
        { filename: inConsent, code: "knex('plan').where({ id });", errors: [{ messageId: 'foreign' }] },
        { filename: inConsent, code: "qb.from('participant as p');", errors: [{ messageId: 'foreign' }] },
        { filename: inConsent, code: "qb.leftJoin('organization', 'o.id', 'p.unit_id');", errors: [{ messageId: 'foreign' }] },
        { filename: inConsent, code: 'const sql = "select * from " + \'"guardianship"\';', errors: [{ messageId: 'foreign' }] },
      ],
    });
  });
});

describe('entity imports (eslint.config.js)', () => {
  const eslint = new ESLint({ cwd: root });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').length;
  };

  it("refuses another module's entity value and allows its type", async () => {
    expect(await lint('src/consent/example.ts', "import { Plan } from '../plans/plan.entity.js';\nexport const p = Plan;\n")).toBe(1);
    expect(await lint('src/consent/example.ts', "import type { Plan } from '../plans/plan.entity.js';\nexport type P = Plan;\n")).toBe(0);
    expect(await lint('src/consent/deep/example.ts', "import { Plan } from '../../plans/plan.entity.js';\nexport const p = Plan;\n")).toBe(1);
    expect(await lint('src/collab/example.ts', "import { Person } from '../people/person.entity.js';\nexport const p = Person;\n")).toBe(1);
  });

  it("keeps the document core free of the policy's and other modules' values", async () => {
    expect(await lint('src/documents/live-document.ts', "import { can } from '../policy/policy.js';\nexport const c = can;\n")).toBe(1);
    expect(await lint('src/documents/document-hub.ts', "import { loadPlanFacts } from '../plans/plan.with-facts.js';\nexport const l = loadPlanFacts;\n")).toBe(1);
    expect(await lint('src/documents/log-writer.ts', "import { accessLogInsert } from '../access-log/access-log.js';\nexport const a = accessLogInsert;\n")).toBe(1);
    expect(await lint('src/documents/live-document.ts', "import type { Actor } from '../policy/actor.js';\nexport type A = Actor;\n")).toBe(0);
    // The documents module's service is a door, not the core: it asks the policy like every door.
    expect(await lint('src/documents/document.service.ts', "import { can } from '../policy/policy.js';\nexport const c = can;\n")).toBe(0);
  });

  it('lets a module use its own entities, and entity files name each other as relation targets', async () => {
    expect(await lint('src/plans/example.ts', "import { Plan } from './plan.entity.js';\nexport const p = Plan;\n")).toBe(0);
    expect(await lint('src/consent/consent.entity.ts', "import { Plan } from '../plans/plan.entity.js';\nexport const p = Plan;\n")).toBe(0);
  });
});
