import { PersonSchema } from '../people/person.entity.js';
import { GuardianshipSchema } from '../people/guardianship.entity.js';
import { MembershipSchema, OrganizationSchema } from '../organizations/organization.entity.js';
import { ParticipantSchema, PlanSchema } from '../plans/plan.entity.js';
import { ConsentSchema } from '../consent/consent.entity.js';
import {
  PlanChangeSchema,
  PlanDocumentQuarantineSchema,
  PlanSnapshotSchema,
  PlanUpdateSchema,
  PlanVersionSchema,
  RestrictedReaderSchema,
  SectionGrantSchema,
} from '../documents/document.entity.js';
import { ServiceRequestSchema } from '../requests/request.entity.js';
import { ComplaintSchema } from '../complaints/complaint.entity.js';
import { EvaluationSchema } from '../evaluations/evaluation.entity.js';
import { ArchiveRecordSchema } from '../archive/archive.entity.js';

/** Every entity the ORM knows; a new domain adds its schemas here. */
export const entities = [PersonSchema, GuardianshipSchema, OrganizationSchema, MembershipSchema, PlanSchema, ParticipantSchema,
  PlanUpdateSchema, PlanSnapshotSchema, PlanChangeSchema, PlanVersionSchema, SectionGrantSchema, RestrictedReaderSchema, PlanDocumentQuarantineSchema,
  ServiceRequestSchema, ComplaintSchema, ConsentSchema, EvaluationSchema, ArchiveRecordSchema];
