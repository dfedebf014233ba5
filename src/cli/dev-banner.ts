// What `qkms dev` prints once it serves: where, which keys it just made, and commands to run
// next, copied from the terminal as they are (test/e2e/readme.test.ts runs them). It names the
// credentials file, never the pair in it.

import { DEV_TOKEN_LABEL, demoAlias } from './dev-token';

export interface DevBannerFacts {
  readonly url: string;
  readonly dataDir: string;
  readonly awsCredentialsFile: string;
  readonly region: string;
  readonly authenticated: boolean;
  /** The demo keys (by spec, and usage where not the spec's first) and the QKMS_DEV_KEYS aliases this start made. */
  readonly demoKeys: readonly string[];
  readonly devKeys: readonly string[];
  readonly aliases: readonly string[];
  /** How to run this command again (`node dist/cli/main.js`). */
  readonly self: string;
}

const made = (what: string, names: readonly string[]): string =>
  names.length > 0 ? `${what}: ${names.join(', ')}\n` : '';

export function devBanner(facts: DevBannerFacts): string {
  const { url, dataDir, awsCredentialsFile, region, self } = facts;
  const demo = demoAlias('ECC_NIST_P256');
  // Without demo keys (QKMS_DEV_DEMO_KEYS=false) there is no key to show a signature with.
  const example = facts.aliases.includes(demo)
    ? `  printf hello > msg.txt
  aws kms sign --endpoint-url ${url} --key-id ${demo} \\
    --message fileb://msg.txt --message-type RAW --signing-algorithm ECDSA_SHA_256`
    : `  aws kms list-aliases --endpoint-url ${url}`;
  const who = facts.authenticated
    ? `Requests must be signed (SigV4) with the dev credentials in ${awsCredentialsFile}:`
    : `Authentication is OFF (QKMS_AUTH_MODE=none): any credentials will do, e.g. those in ${awsCredentialsFile}:`;
  return `
QKMS dev gateway on ${url}  (token "${DEV_TOKEN_LABEL}" in ${dataDir})
${made('Created demo keys', facts.demoKeys)}${made('Created from QKMS_DEV_KEYS', facts.devKeys)}Aliases: ${facts.aliases.join(', ')}

${who}
  export AWS_SHARED_CREDENTIALS_FILE=${awsCredentialsFile} AWS_PROFILE=qkms-dev AWS_DEFAULT_REGION=${region}
${example}

Keys on this token from the command line (no credentials needed): ${self} keys --help
  ${self} keys list --data-dir ${dataDir}
`;
}
