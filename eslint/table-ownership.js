// @ts-check
import path from 'node:path';
import { INFRASTRUCTURE_FOLDERS, TABLE_OWNERS } from './table-owners.js';

const TABLES = Object.keys(TABLE_OWNERS).sort((a, b) => b.length - a.length).join('|');
/** A table named after a SQL keyword that introduces one, quoted or not: `from "plan"`, `update plan p`. */
const TABLE_AFTER_KEYWORD = new RegExp(`\\b(?:from|join|into|update|table|truncate)\\s+(?:only\\s+)?(?:"?public"?\\.)?("?)(${TABLES})\\1(?![\\w"])`, 'gi');
/** A string is SQL if it says so; plain prose ("removed from plan") stays out unless the name is quoted. */
const LOOKS_LIKE_SQL = /\b(select\s[\s\S]*\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|lock\s+table|truncate)\b/i;
/** Query-builder calls whose string argument is a table: `knex('plan')`, `qb.from('plan as p')`, `.join('participant', …)`. */
const TABLE_CALLS = new Set(['knex', 'from', 'into', 'table', 'join', 'innerJoin', 'leftJoin', 'rightJoin', 'fullOuterJoin', 'crossJoin', 'update', 'del']);

/** The module a file belongs to: `src/<module>/…`, or null outside src/. */
function moduleOf(filename, cwd) {
  const parts = path.relative(cwd, filename).split(path.sep);
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : null;
}

/** Part of a `+` chain: the chain is read as a whole. */
function isConcatenated(node) {
  return node.parent?.type === 'BinaryExpression' && node.parent.operator === '+';
}

/** The static text of a string, template or `+` chain; anything computed becomes a placeholder. */
function textOf(node) {
  if (node.type === 'Literal') return typeof node.value === 'string' ? node.value : ' ? ';
  // Interpolations become a placeholder, so `from "${table}"` is not mistaken for a table name.
  if (node.type === 'TemplateLiteral') return node.quasis.map((quasi) => quasi.value.cooked ?? quasi.value.raw).join(' ? ');
  if (node.type === 'BinaryExpression' && node.operator === '+') return textOf(node.left) + textOf(node.right);
  return ' ? ';
}

/** Tables named in one piece of SQL text. */
export function tablesNamedIn(text) {
  const found = [];
  const sql = LOOKS_LIKE_SQL.test(text);
  for (const match of text.matchAll(TABLE_AFTER_KEYWORD)) {
    if (sql || match[1] === '"') found.push(match[2].toLowerCase());
  }
  return found;
}

/** @type {import('eslint').Rule.RuleModule} */
export const tableOwnership = {
  meta: {
    type: 'problem',
    docs: { description: "Only a table's owning module names it in SQL (eslint/table-owners.js)." },
    schema: [],
    messages: {
      foreign: "Table '{{table}}' belongs to src/{{owner}}/: ask its service or the read model it publishes instead of naming it here.",
    },
  },
  create(context) {
    const module = moduleOf(context.filename, context.cwd);
    if (module === null || INFRASTRUCTURE_FOLDERS.includes(module)) return {};
    const check = (node, text) => {
      for (const table of tablesNamedIn(text)) {
        const owner = TABLE_OWNERS[table];
        if (owner && owner !== module) context.report({ node, messageId: 'foreign', data: { table, owner } });
      }
    };
    const checkTableArgument = (node, value) => {
      const table = String(value).trim().split(/\s+/)[0]?.replace(/"/g, '').toLowerCase() ?? '';
      const owner = TABLE_OWNERS[table];
      if (owner && owner !== module) context.report({ node, messageId: 'foreign', data: { table, owner } });
    };
    return {
      Literal(node) {
        if (typeof node.value === 'string' && !isConcatenated(node)) check(node, node.value);
      },
      TemplateLiteral(node) {
        if (!isConcatenated(node)) check(node, textOf(node));
      },
      BinaryExpression(node) {
        // SQL split over `'select … from ' + '"plan"'` is read as one text, once, at the outermost `+`.
        if (node.operator === '+' && !isConcatenated(node)) check(node, textOf(node));
      },
      CallExpression(node) {
        const callee = node.callee;
        const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && callee.property.type === 'Identifier' ? callee.property.name : null;
        const first = node.arguments[0];
        if (name && TABLE_CALLS.has(name) && first?.type === 'Literal' && typeof first.value === 'string') checkTableArgument(first, first.value);
      },
    };
  },
};

export default { meta: { name: 'samplan' }, rules: { 'table-ownership': tableOwnership } };
