import { Migration20261122000000Foundation } from './Migration20261122000000Foundation.js';

/** Every migration, oldest first. `npm run migration:create` writes a new file; add it here. */
export const migrationsList = [
  { name: 'Migration20261122000000Foundation', class: Migration20261122000000Foundation },
];
