import type { Clock } from '../shared/clock.js';
import type { Person, PersonKind } from './person.entity.js';

/**
 * A person named in an input: by id, by issuer and subject, or by national identity number
 * (someone not met yet is created, and found again at their first sign-in).
 */
export interface PersonRef {
  id?: string | null;
  issuer?: string | null;
  subject?: string | null;
  nationalIdentityNumber?: string | null;
  /** With `nationalIdentityNumber`: a citizen (the default) or personnel, who are two persons. */
  kind?: PersonKind | null;
  displayName?: string | null;
}

/**
 * What other services need of the people module to name a person in an input (PersonService
 * implements it); a type of its own so they depend on this, not on the whole service.
 */
export interface PersonResolver {
  resolveRef(ref: PersonRef): Promise<Person>;
  /** The municipalities of the units that have a case of the person (PersonService). */
  municipalitiesOf(personId: string): Promise<Array<string | null>>;
}

export interface PeopleDeps {
  clock: Clock;
  /** Issuers whose subjects may be named in a `PersonRefInput`, with the kind of person they vouch for. */
  knownIssuers: ReadonlyMap<string, PersonKind>;
  bootstrapAdmin: { issuer: string; subject: string } | null;
}
