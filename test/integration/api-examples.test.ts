// Every example of the API reference, sent to a real gateway on the SoftHSM test token: the
// answer must be the one the page shows (placeholders standing for what differs per call) and
// made only of the members the page documents. The demo keys stand in for the example keys that
// carry their aliases; the keys the examples change are made fresh for each example, and alias
// names get a suffix per example, so examples never depend on one another.

import type { DocObject, DocValue, ExampleSpec } from '../../src/api-docs/doc-types';
import { KEYS, type ExampleKey } from '../../src/api-docs/example-values';
import { OPERATION_DOCS } from '../../src/api-docs/operations';
import { KMS_ERROR_STATUS } from '../../src/errors/kms-error';
import { differences, undocumentedMembers } from '../support/doc-answers';
import { callKms } from '../support/signed-request';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
/** Example key id → the key id standing in for it in this token. */
const demoKeyIds = new Map<string, string>();
const DEMO_ALIASES = new Set(Object.values(KEYS).flatMap((k: ExampleKey) => k.alias ?? []));

async function call(operation: string, input: unknown) {
  const answer = await callKms(t.gateway.url, operation, JSON.stringify(input), null);
  return { ...answer, json: JSON.parse(answer.body) as Record<string, unknown> };
}

async function ok(operation: string, input: unknown): Promise<Record<string, unknown>> {
  const answer = await call(operation, input);
  if (answer.status !== 200)
    throw new Error(
      `${operation} ${JSON.stringify(input)} answered ${answer.status} ${answer.body}`,
    );
  return answer.json;
}

beforeAll(async () => {
  t = await startTestGateway();
  for (const key of Object.values(KEYS) as ExampleKey[]) {
    if (!key.alias) continue;
    const described = await ok('DescribeKey', { KeyId: key.alias });
    demoKeyIds.set(key.keyId, (described.KeyMetadata as { KeyId: string }).KeyId);
  }
}, 60_000);
afterAll(() => t?.close());

let run = 0;

/**
 * Puts a demo key's tags back to what `qkms dev` gives it (purpose=demo): the test token is
 * shared with other test files, some of which tag the demo keys.
 */
async function asMadeByQkmsDev(keyId: string): Promise<void> {
  const { Tags } = (await ok('ListResourceTags', { KeyId: keyId, Limit: 50 })) as {
    Tags: { TagKey: string }[];
  };
  const others = Tags.map((tag) => tag.TagKey).filter((name) => name !== 'purpose');
  if (others.length > 0) await ok('UntagResource', { KeyId: keyId, TagKeys: others });
  await ok('TagResource', { KeyId: keyId, Tags: [{ TagKey: 'purpose', TagValue: 'demo' }] });
}

/** The example with this token's keys and this run's alias names in place of the page's. */
async function onThisToken(example: ExampleSpec): Promise<ExampleSpec> {
  let text = JSON.stringify(example);
  for (const [shown, real] of demoKeyIds) text = text.replaceAll(shown, real);
  for (const key of Object.values(KEYS) as ExampleKey[]) {
    if (key.alias && text.includes(`"${key.alias}"`)) await asMadeByQkmsDev(key.alias);
  }
  for (const key of [KEYS.own, KEYS.next, KEYS.ownSymmetric] as ExampleKey[]) {
    if (!text.includes(key.keyId)) continue;
    const created = await ok('CreateKey', {
      KeySpec: key.spec,
      KeyUsage: key.spec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY',
      Description: key.description,
    });
    text = text.replaceAll(key.keyId, (created.KeyMetadata as { KeyId: string }).KeyId);
  }
  run += 1;
  text = text.replace(/alias\/[A-Za-z0-9:/_-]+/g, (name) =>
    DEMO_ALIASES.has(name) ? name : `${name}-run${run}`,
  );
  return JSON.parse(text) as ExampleSpec;
}

/** A request with the values captured by the example's earlier steps in place. */
function filled(input: DocObject, captured: Map<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).map(([name, value]: [string, DocValue]) => {
      if (typeof value === 'object' && value !== null && '$placeholder' in value) {
        const from = (value as { from?: string }).from;
        if (!from || !captured.has(from)) throw new Error(`${name}: nothing captured as ${from}`);
        return [name, captured.get(from)];
      }
      return [name, value];
    }),
  );
}

const cases = [...OPERATION_DOCS].flatMap(([operation, doc]) =>
  doc.examples.map((example) => [operation, example.title, example] as const),
);

describe.each(cases)('%s: %s', (operation, _title, pageExample) => {
  it('is answered as the page shows', async () => {
    const example = await onThisToken(pageExample);
    const captured = new Map<string, unknown>();
    for (const step of example.given ?? []) {
      const output = await ok(step.operation, filled(step.input, captured));
      for (const [name, member] of Object.entries(step.capture ?? {}))
        captured.set(name, output[member]);
    }
    const answer = await call(operation, filled(example.request, captured));
    const shown = example.answer;
    if ('error' in shown) {
      expect({ status: answer.status, type: answer.headers['x-amzn-errortype'] }).toEqual({
        status: KMS_ERROR_STATUS[shown.error],
        type: shown.error,
      });
      expect(differences(answer.json, { __type: shown.error, message: shown.message })).toEqual([]);
    } else {
      expect(answer.status).toBe(200);
      expect(differences(answer.json, shown.body)).toEqual([]);
      const doc = OPERATION_DOCS.get(operation);
      expect(undocumentedMembers(answer.json, doc?.output ?? {})).toEqual([]);
    }
  });
});
