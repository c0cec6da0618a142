import { Person } from '../people/person.entity.js';
import { Guardianship } from '../people/guardianship.entity.js';
import { Membership, Organization } from '../organizations/organization.entity.js';
import { Participant, Plan } from '../plans/plan.entity.js';
import { Consent } from '../consent/consent.entity.js';
import {
  PlanChange,
  PlanDocumentQuarantine,
  PlanSnapshot,
  PlanUpdate,
  PlanVersion,
  RestrictedReader,
  SectionGrant,
} from '../documents/document.entity.js';
import { ServiceRequest } from '../requests/request.entity.js';
import { Complaint } from '../complaints/complaint.entity.js';
import { Evaluation } from '../evaluations/evaluation.entity.js';
import { ArchiveRecord } from '../archive/archive.entity.js';

/** Every entity the ORM knows; a new domain adds its entities here. */
export const entities = [Person, Guardianship, Organization, Membership, Plan, Participant,
  PlanUpdate, PlanSnapshot, PlanChange, PlanVersion, SectionGrant, RestrictedReader, PlanDocumentQuarantine,
  ServiceRequest, Complaint, Consent, Evaluation, ArchiveRecord];
