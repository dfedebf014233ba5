// Runs an SDK call that must fail and returns the SDK's exception (anything else fails the test).

import { KMSServiceException } from '@aws-sdk/client-kms';

export async function failure(promise: Promise<unknown>): Promise<KMSServiceException> {
  let answer: unknown;
  try {
    answer = await promise;
  } catch (err) {
    if (err instanceof KMSServiceException) return err;
    throw err;
  }
  const signed = typeof answer === 'object' && answer !== null && 'Signature' in answer;
  throw new Error(
    `expected the request to fail, but it succeeded${signed ? ' and returned a signature' : ''}`,
  );
}
