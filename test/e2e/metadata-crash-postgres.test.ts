// The crash test of test/support/metadata-crash-suite.ts, with every process keeping key metadata
// in one PostgreSQL database (a fresh one on the server the test setup started) instead of the
// token.

import { useMetadataStore } from '../support/metadata-harness';
import { testDatabase } from '../support/postgres-server';
import '../support/metadata-crash-suite';

useMetadataStore(testDatabase('crash').env);
