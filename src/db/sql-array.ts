/**
 * One bound parameter holding a PostgreSQL array (`= any(?::uuid[])`, `?::text[]`): knex spreads a
 * JS array into a list of parameters, so the array goes as its text literal, every element quoted
 * and escaped (a value with a comma, a quote or a brace stays one element).
 */
export function sqlArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
