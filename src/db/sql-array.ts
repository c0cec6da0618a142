/**
 * One parameter holding a PostgreSQL array (`= any(?::uuid[])`, `?::text[]`), as its text literal:
 * every element quoted and escaped (a value with a comma, a quote or a brace stays one element).
 * A JS array cannot go as it is: MikroORM's `execute` writes the parameters into the SQL and an
 * array as a comma list (`'a', 'b'`), which `?::text[]` cannot read (test/sql-array.test.ts).
 */
export function sqlArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
