import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation';
import * as m0002 from './0002_credits';

/** Every migration, in order. A new file is added here; none is ever edited or removed. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_credits': m0002,
};
