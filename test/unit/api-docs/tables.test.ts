// The tables the API reference is written from: every served operation has a page and page
// data; a page lists exactly the exceptions its operation declares, with the status the code
// answers them with; examples are requests the wire layer accepts (unless they show its
// refusal) and answers made only of documented members; permissions name only condition keys
// the policy evaluator honours.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocValue, OutputMembers, Shape } from '../../../src/api-docs/doc-types';
import { OPERATION_DOCS } from '../../../src/api-docs/operations';
import { renderApiPages } from '../../../src/api-docs/render-all';
import { permissionsOf } from '../../../src/api-docs/render/permissions';
import { CONDITION_KEYS } from '../../../src/auth/policy';
import { KMS_ERROR_STATUS } from '../../../src/errors/kms-error';
import { parseInput } from '../../../src/http/parse-input';
import { REQUEST_ERRORS } from '../../../src/http/request-errors';
import { OPERATIONS } from '../../../src/operations/registry';

const API = join(__dirname, '../../../docs/api');
const served = [...OPERATIONS.values()];

/** The exception names and statuses in the error table rows of `text`. */
function listedErrors(text: string): [string, number][] {
  return [...text.matchAll(/^\| `([A-Za-z]+)` \| (\d{3}) \|/gm)].map((m) => [
    m[1] as string,
    Number(m[2]),
  ]);
}

const specialErrors = (page: string): string =>
  page.split('## Special Errors')[1]?.split('\n## ')[0] ?? '';

const isPlaceholder = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && '$placeholder' in v;

/** Member paths of `value` that `members` does not document. */
function undocumented(value: DocValue, members: OutputMembers, at = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([name, member]) => {
    const doc = members[name];
    if (!doc) return [`${at}${name}`];
    const shape: Shape = doc.shape.kind === 'list' ? doc.shape.of : doc.shape;
    if (shape.kind !== 'structure') return [];
    const items = Array.isArray(member) ? member : [member];
    return items.flatMap((item: DocValue) => undocumented(item, shape.members, `${at}${name}.`));
  });
}

/** A request with per-call placeholders filled with a value of the member's kind. */
function withValues(request: Record<string, DocValue>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(request).map(([k, v]) => [k, isPlaceholder(v) ? 'AAAA' : v]),
  );
}

it('has page data for exactly the served operations', () => {
  expect([...OPERATION_DOCS.keys()].sort()).toEqual([...OPERATIONS.keys()].sort());
});

describe.each(served.map((op) => [op.name, op] as const))('%s', (name, op) => {
  const page = readFileSync(join(API, `${name}.mdx`), 'utf8');
  const doc = OPERATION_DOCS.get(name);
  if (!doc) throw new Error(`no page data for ${name}`);

  it('has a page, and the page is the one rendered for it', () => {
    expect(page).toBe(renderApiPages().get(`${name}.mdx`));
  });

  it('lists exactly the exceptions the operation declares, with their statuses', () => {
    const declared = [...new Set(op.errors.map((e) => e.name))];
    expect(listedErrors(specialErrors(page))).toEqual(
      declared.map((e) => [e, KMS_ERROR_STATUS[e]]),
    );
  });

  it('describes every input member and no other', () => {
    expect(Object.keys(doc.members).sort()).toEqual(Object.keys(op.input).sort());
    for (const text of Object.values(doc.members)) expect(text.length).toBeGreaterThan(10);
  });

  it('has at least two examples, whose requests the wire layer accepts', () => {
    expect(doc.examples.length).toBeGreaterThanOrEqual(2);
    for (const example of doc.examples) {
      const refusedByWire =
        'error' in example.answer && example.answer.error === 'ValidationException';
      const request = withValues(example.request);
      for (const member of Object.keys(request)) expect(Object.keys(op.input)).toContain(member);
      if (!refusedByWire) expect(() => parseInput(op.input, request)).not.toThrow();
    }
  });

  it('shows answers the operation can give: documented members, declared exceptions', () => {
    const declared = op.errors.map((e) => e.name as string);
    for (const { answer, given = [] } of doc.examples) {
      if ('error' in answer) expect(declared).toContain(answer.error);
      else expect(undocumented(answer.body, doc.output)).toEqual([]);
      for (const step of given) expect(OPERATIONS.has(step.operation)).toBe(true);
    }
  });

  it('names only the condition keys the policy evaluator honours', () => {
    const checks = permissionsOf(op);
    const actions = checks.map((c) => c.action);
    expect(actions).toEqual(
      name === 'ReEncrypt' ? ['kms:ReEncryptFrom', 'kms:ReEncryptTo'] : [`kms:${name}`],
    );
    for (const { conditionKeys } of checks)
      for (const key of conditionKeys) expect(CONDITION_KEYS).toContain(key);
    for (const action of actions) expect(page).toContain(`\`${action}\``);
  });
});

it('gives Sign and Verify the signing condition keys, and only they', () => {
  const withAlgorithm = served
    .filter((op) => permissionsOf(op).some((c) => c.conditionKeys.includes('kms:SigningAlgorithm')))
    .map((op) => op.name);
  expect(withAlgorithm.sort()).toEqual(['Sign', 'Verify']);
});

it('lists every common error on the common errors page, with its status', () => {
  const page = readFileSync(join(API, 'common-errors.mdx'), 'utf8');
  const names = [...new Set(REQUEST_ERRORS.map((e) => e.name))];
  expect(listedErrors(page)).toEqual(names.map((e) => [e, KMS_ERROR_STATUS[e]]));
});
