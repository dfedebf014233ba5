// Issue 11's concurrency test with key metadata kept in the token (the suite and its reasoning are in
// test/support/metadata-concurrency-suite.ts).

import '../support/metadata-concurrency-suite';
