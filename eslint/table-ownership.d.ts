import type { ESLint, Rule } from 'eslint';

/** Tables named in one piece of SQL text (see table-ownership.js). */
export declare function tablesNamedIn(text: string): string[];
/** Only a table's owning module names it in SQL. */
export declare const tableOwnership: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
