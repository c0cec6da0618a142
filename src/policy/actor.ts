import type { MembershipRole, OrganizationKind } from '../organizations/organization.entity.js';
import type { PersonKind } from '../people/person.entity.js';

/** Who is asking: the authenticated person and the facts the policy needs about them. */
export interface Actor {
  personId: string;
  kind: PersonKind;
  isAdmin: boolean;
  memberships: ReadonlyArray<{ organizationId: string; organizationKind: OrganizationKind; role: MembershipRole }>;
  /** When the bearer token stops being valid; long-lived connections end then. */
  tokenExpiresAt: Date;
}
