import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm, type MikroORM } from '../src/db/orm.js';
import { sqlArray } from '../src/db/sql-array.js';
import { createTestDatabase } from './helpers/test-app.js';

/**
 * `sqlArray` is how every array reaches PostgreSQL as one parameter (src/db/sql-array.ts): any
 * strings at all must come back as the same elements, through the same `execute` the app uses.
 */
let orm: MikroORM;
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
  orm = await openOrm(database.url);
});

afterAll(async () => {
  await orm?.close();
  await database?.drop();
});

describe('sqlArray', () => {
  it('round-trips any strings as text[] elements, in order', async () => {
    // PostgreSQL text cannot hold NUL; everything else may appear, quotes, braces and commas above all.
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((value) => !value.includes('\u0000'));
    const tricky = fc.constantFrom('', 'NULL', 'null', '"', '\\', '{', '}', ',', ' a ', '{"a",b}', '\\"');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(text, tricky), { maxLength: 8 }), async (values) => {
        const rows = await orm.em.fork().execute<Array<{ value: string }>>('select unnest(?::text[]) as value', [sqlArray(values)]);
        expect(rows.map((row) => row.value)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it('binds uuids for = any(?::uuid[])', async () => {
    const ids = ['6f1c2c36-0b7e-4f6c-9d7e-2f1f8f1b2c3d', '00000000-0000-4000-8000-000000000000'];
    const rows = await orm.em.fork().execute<Array<{ found: boolean }>>('select ?::uuid = any(?::uuid[]) as found', [ids[1], sqlArray(ids)]);
    expect(rows).toEqual([{ found: true }]);
  });

  it('is needed: a JS array given as it is reaches PostgreSQL as a comma list, not one array', async () => {
    // Should this ever pass the array whole, bind JS arrays directly and remove sqlArray.
    await expect(orm.em.fork().execute('select ?::text[] as value', [['a', 'b']])).rejects.toThrow(/malformed array literal/);
    await expect(orm.em.fork().execute('select ?::text[] as value', [[]])).rejects.toThrow(/syntax error/);
  });
});
