// The answer when a store could not tell whether a change was made: its HSM or database failed
// in the middle and could not be read back. Retryable; nothing made by the change is undone on
// the strength of it (a key creation is left to reconcile(), which reads what is there).

import { KmsError } from '../../errors/kms-error';

export class OutcomeUnknown extends KmsError {
  constructor(cause: unknown) {
    super(
      'DependencyTimeoutException',
      'The change may or may not have been made: the HSM or the key metadata database failed in the middle of it. Retry the request; a retried CreateKey may leave the first key behind.',
      cause,
    );
  }
}
