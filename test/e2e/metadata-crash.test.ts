// Issue 11's crash test with key metadata kept in the token (the suite and its reasoning are in
// test/support/metadata-crash-suite.ts).

import '../support/metadata-crash-suite';
