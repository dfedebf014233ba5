// The concurrency test of test/support/metadata-concurrency-suite.ts, with every process keeping key metadata
// in one PostgreSQL database (a fresh one on the server the test setup started) instead of the
// token.

import { useMetadataStore } from '../support/metadata-harness';
import { testDatabase } from '../support/postgres-server';
import '../support/metadata-concurrency-suite';

useMetadataStore(testDatabase('concurrency').env);
