// Rotation across two replicas keeping key metadata in one PostgreSQL database (the suite is in
// test/support/rotation-replicas-suite.ts).

import { useMetadataStore } from '../support/metadata-harness';
import { testDatabase } from '../support/postgres-server';
import '../support/rotation-replicas-suite';

useMetadataStore(testDatabase('rotation').env);
