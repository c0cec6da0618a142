import { PersonSchema } from '../people/person.entity.js';
import { GuardianshipSchema } from '../people/guardianship.entity.js';
import { MembershipSchema, OrganizationSchema } from '../organizations/organization.entity.js';
import { ParticipantSchema, PlanSchema } from '../plans/plan.entity.js';
import {
  PlanChangeSchema,
  PlanSnapshotSchema,
  PlanUpdateSchema,
  PlanVersionSchema,
  SectionGrantSchema,
} from '../documents/document.entity.js';

/** Every entity the ORM knows; a new domain adds its schemas here. */
export const entities = [PersonSchema, GuardianshipSchema, OrganizationSchema, MembershipSchema, PlanSchema, ParticipantSchema,
  PlanUpdateSchema, PlanSnapshotSchema, PlanChangeSchema, PlanVersionSchema, SectionGrantSchema];
