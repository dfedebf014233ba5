// The failure of a token call that missed its deadline (token-client.ts raises it).

import { KmsError } from '../errors/kms-error';

/**
 * A call that missed its deadline. The token thread may still be running it: `settled` resolves
 * true once it has answered (anything it did by then, it did, and what it made after the
 * deadline it undid: token-thread.ts), or false if it has not within another deadline. A caller
 * that must know what happened waits for it before looking.
 */
export class CallTimedOut extends KmsError {
  constructor(readonly settled: Promise<boolean>) {
    super('DependencyTimeoutException', 'The HSM did not answer in time. Retry later.');
  }
}
