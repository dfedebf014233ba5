// QKMS on the throwaway test token as the recipes meet it: SigV4 on, and a policy that lets the
// recipes' principal do only what the recipes need, so a recipe that dropped its credentials
// or called another operation would fail here rather than in a user's hands.

import { startTestGateway, type TestGateway } from '../../support/test-token';

/** Test-only access key of the principal "recipes" (not a secret: the token is thrown away). */
export const RECIPE_CREDENTIALS = {
  accessKeyId: 'QKMSRECIPES00001',
  secretAccessKey: 'recipes-test-secret-000000000001',
};

export async function startRecipeGateway(): Promise<TestGateway> {
  return startTestGateway({
    env: {
      QKMS_AUTH_MODE: 'sigv4',
      QKMS_CREDENTIALS: `principals:\n  recipes:\n    - accessKeyId: ${RECIPE_CREDENTIALS.accessKeyId}\n      secretAccessKey: "${RECIPE_CREDENTIALS.secretAccessKey}"\n`,
    },
    policy: [
      {
        principals: ['recipes'],
        actions: ['kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey'],
        keys: ['*'],
      },
    ],
    clientCredentials: RECIPE_CREDENTIALS,
  });
}
