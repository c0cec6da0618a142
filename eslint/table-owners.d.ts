/** Which module owns which table (see table-owners.js). */
export declare const TABLE_OWNERS: Readonly<Record<string, string>>;
/** Folders outside any domain that may name every table. */
export declare const INFRASTRUCTURE_FOLDERS: readonly string[];
