import { Migration20261122000000Foundation } from './Migration20261122000000Foundation.js';
import { Migration20261122100000PlanDocument } from './Migration20261122100000PlanDocument.js';
import { Migration20261123000000Casework } from './Migration20261123000000Casework.js';

/** Every migration, oldest first. `npm run migration:create` writes a new file; add it here. */
export const migrationsList = [
  { name: 'Migration20261122000000Foundation', class: Migration20261122000000Foundation },
  { name: 'Migration20261122100000PlanDocument', class: Migration20261122100000PlanDocument },
  { name: 'Migration20261123000000Casework', class: Migration20261123000000Casework },
];
