import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createGraphQLLimits } from './limits.js';
import { buildSchema } from './schema.js';

const schema = buildSchema();
const limits = createGraphQLLimits(
  { maxTokens: 3000, maxDepth: 12, maxAliases: 30, maxCost: 5000, assumedListSize: 10, rateLimit: { points: 1, windowMs: 1000 } },
  { production: false },
);

/** The cost the limit reports for `query`, read from its refusal at a limit of 0. */
function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const strict = createGraphQLLimits(
    { maxTokens: 3000, maxDepth: 12, maxAliases: 30, maxCost: 0, assumedListSize: 10, rateLimit: { points: 1, windowMs: 1000 } },
    { production: false },
  );
  const refusal = strict.costError({ schema, document: parse(query), variables });
  const cost = /would cost (\d+)/.exec(refusal?.message ?? '')?.[1];
  if (!cost) throw new Error(`no cost reported for ${query}: ${refusal?.message}`);
  return Number(cost);
}

describe('GraphQL cost', () => {
  it('multiplies through a connection by first, and by the assumed size when first is left out', () => {
    const page = (args: string) => `{ plans${args} { edges { node { id title participants { role } } } } }`;
    const one = costOf(page('(first: 1)'));
    const ten = costOf(page('(first: 10)'));
    expect(ten).toBeGreaterThan(5 * one);
    expect(costOf(page('(first: $n)').replace('{ plans', 'query($n: Int) { plans'), { n: 10 })).toBe(ten);
    // Left out, `first` is the schema's default (plans: 20) ...
    expect(costOf(page(''))).toBe(costOf(page('(first: 20)')));
    // ... or, with none in the schema, the assumed size: the resolver still returns a page (access log: 50).
    const log = (args: string) => `{ plan(id: "x") { accessLog${args} { edges { node { at what door } } } } }`;
    expect(costOf(log(''))).toBe(costOf(log('(first: 10)')));
    expect(costOf(log(''))).toBeGreaterThan(5 * costOf(log('(first: 1)')));
  });

  it('cannot be lowered by a zero or negative first', () => {
    const page = (first: number) => `{ plans(first: ${first}) { edges { node { id } } } }`;
    expect(costOf(page(-5))).toBe(costOf(page(1)));
    expect(costOf(page(0))).toBe(costOf(page(1)));
  });

  it('lets the honest plan query through and refuses the nested consents attack', () => {
    const honest = '{ plans(first: 10) { edges { node { id title participants { role person { displayName } } } } } }';
    expect(limits.costError({ schema, document: parse(honest) })).toBeNull();
    const attack = '{ plans { edges { node { participants { consents { participant { consents { participant { consents { id } } } } } } } } } }';
    expect(limits.costError({ schema, document: parse(attack) })?.extensions['limit']).toBe('GRAPHQL_MAX_COST');
  });
});
