import { notFound } from '../errors/error-codes.js';
import { parseId } from './ids.js';

/**
 * Look-up by id for what the actor may or may not read (a request, a complaint): someone who may
 * not read it learns nothing, not even that it exists (`find` gives null, `get` NOT_FOUND).
 */
export function readableById<T>(what: string, load: (id: string) => Promise<T | null>, mayRead: (row: T) => Promise<boolean>) {
  const find = async (id: string): Promise<T | null> => {
    const row = await load(parseId(id, what));
    return row !== null && (await mayRead(row)) ? row : null;
  };
  return {
    find,
    async get(id: string): Promise<T> {
      const row = await find(id);
      if (row === null) throw notFound(what);
      return row;
    },
  };
}
