import type { MembershipRole, OrganizationKind } from '../organizations/organization.entity.js';
import type { PersonKind } from '../people/person.entity.js';

/** Who is asking: the authenticated person and the facts the policy needs about them. */
export interface Actor {
  personId: string;
  kind: PersonKind;
  isAdmin: boolean;
  /** The units they belong to; `municipality` is the unit's kommunenummer (null for a unit outside any municipality). */
  memberships: ReadonlyArray<{ organizationId: string; organizationKind: OrganizationKind; role: MembershipRole; municipality: string | null }>;
  /** When the bearer token stops being valid; long-lived connections end then. */
  tokenExpiresAt: Date;
}
