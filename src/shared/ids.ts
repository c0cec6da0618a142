import { z } from 'zod';
import { badInput } from '../errors/error-codes.js';

const uuid = z.uuid();

/** Ids are UUIDs; anything else is bad input rather than a database error. */
export function parseId(value: string, what: string): string {
  if (!uuid.safeParse(value).success) throw badInput(`${what} id is not a valid id`);
  return value.toLowerCase();
}

export function parseIdOrNull(value: string): string | null {
  return uuid.safeParse(value).success ? value.toLowerCase() : null;
}
