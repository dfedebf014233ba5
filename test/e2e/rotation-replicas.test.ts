// Rotation across two processes of one host keeping key metadata in the token (the suite is in
// test/support/rotation-replicas-suite.ts).

import '../support/rotation-replicas-suite';
