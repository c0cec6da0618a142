import { Migration20261122000000Foundation } from './Migration20261122000000Foundation.js';
import { Migration20261122100000PlanDocument } from './Migration20261122100000PlanDocument.js';
import { Migration20261123000000Casework } from './Migration20261123000000Casework.js';
import { Migration20261123000100Intake } from './Migration20261123000100Intake.js';
import { Migration20261123000200Consent } from './Migration20261123000200Consent.js';
import { Migration20261123000300Archive } from './Migration20261123000300Archive.js';
import { Migration20261204000100DocumentQuarantine } from './Migration20261204000100DocumentQuarantine.js';
import { Migration20261204000200Guardianship } from './Migration20261204000200Guardianship.js';
import { Migration20261205000100GuardianshipPeriod } from './Migration20261205000100GuardianshipPeriod.js';
import { Migration20261205000200AccessLogChain } from './Migration20261205000200AccessLogChain.js';
import { Migration20261205000400PlanUnit } from './Migration20261205000400PlanUnit.js';
import { Migration20261205000300RestrictedDocument } from './Migration20261205000300RestrictedDocument.js';
import { Migration20261205000500Deadlines } from './Migration20261205000500Deadlines.js';
import { Migration20261205000600GuardiansInOpenCases } from './Migration20261205000600GuardiansInOpenCases.js';
import { Migration20261205000700AccessLogHardening } from './Migration20261205000700AccessLogHardening.js';
import { Migration20261205000800PlanDeadlineResync } from './Migration20261205000800PlanDeadlineResync.js';
import { Migration20261206000100CaseloadIndexes } from './Migration20261206000100CaseloadIndexes.js';
import { Migration20261206000200PlanLogHead } from './Migration20261206000200PlanLogHead.js';
import { Migration20261207000100PersonNationalIdentity } from './Migration20261207000100PersonNationalIdentity.js';
import { Migration20261208000100PlanDeadlinesReread } from './Migration20261208000100PlanDeadlinesReread.js';
import { Migration20261209000100CaseloadPageIndexes } from './Migration20261209000100CaseloadPageIndexes.js';

/** Every migration, oldest first. `npm run migration:create` writes a new file; add it here. */
export const migrationsList = [
  { name: 'Migration20261122000000Foundation', class: Migration20261122000000Foundation },
  { name: 'Migration20261122100000PlanDocument', class: Migration20261122100000PlanDocument },
  { name: 'Migration20261123000000Casework', class: Migration20261123000000Casework },
  { name: 'Migration20261123000100Intake', class: Migration20261123000100Intake },
  { name: 'Migration20261123000200Consent', class: Migration20261123000200Consent },
  { name: 'Migration20261123000300Archive', class: Migration20261123000300Archive },
  { name: 'Migration20261204000100DocumentQuarantine', class: Migration20261204000100DocumentQuarantine },
  { name: 'Migration20261204000200Guardianship', class: Migration20261204000200Guardianship },
  { name: 'Migration20261205000100GuardianshipPeriod', class: Migration20261205000100GuardianshipPeriod },
  { name: 'Migration20261205000200AccessLogChain', class: Migration20261205000200AccessLogChain },
  { name: 'Migration20261205000300RestrictedDocument', class: Migration20261205000300RestrictedDocument },
  { name: 'Migration20261205000400PlanUnit', class: Migration20261205000400PlanUnit },
  { name: 'Migration20261205000500Deadlines', class: Migration20261205000500Deadlines },
  { name: 'Migration20261205000600GuardiansInOpenCases', class: Migration20261205000600GuardiansInOpenCases },
  { name: 'Migration20261205000700AccessLogHardening', class: Migration20261205000700AccessLogHardening },
  { name: 'Migration20261205000800PlanDeadlineResync', class: Migration20261205000800PlanDeadlineResync },
  { name: 'Migration20261206000100CaseloadIndexes', class: Migration20261206000100CaseloadIndexes },
  { name: 'Migration20261206000200PlanLogHead', class: Migration20261206000200PlanLogHead },
  { name: 'Migration20261207000100PersonNationalIdentity', class: Migration20261207000100PersonNationalIdentity },
  { name: 'Migration20261208000100PlanDeadlinesReread', class: Migration20261208000100PlanDeadlinesReread },
  { name: 'Migration20261209000100CaseloadPageIndexes', class: Migration20261209000100CaseloadPageIndexes },
];
