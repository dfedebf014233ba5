// One operation's reference page, in the order the site's pages follow: description, key
// rules, request syntax and parameters, examples, response syntax and elements, special
// errors, permissions, and the "Try it out" panel.

import { KMS_ERROR_STATUS } from '../../errors/kms-error';
import { TARGET_PREFIX } from '../../http/kms-handler';
import type { Operation } from '../../operations/operation';
import type { ExampleSpec, OperationDoc } from '../doc-types';
import { SCOPE } from '../example-values';
import { errorTable } from './errors';
import { component, frontMatter, GENERATED_NOTICE, prose } from './mdx';
import { headerRows, requestRows, responseRows } from './params';
import { permissionsSection } from './permissions';
import { requestSyntax, responseSyntax } from './syntax';
import { testerDefaults } from './tester';

/** The props of one ApiExample: the example as data, with the status the code answers. */
export function exampleProps(operation: string, example: ExampleSpec): Record<string, unknown> {
  const { answer } = example;
  return {
    operation,
    target: `${TARGET_PREFIX}${operation}`,
    host: new URL(testerDefaults().endpoint).host,
    region: SCOPE.region,
    title: example.title,
    says: example.says,
    given: example.given,
    request: example.request,
    answer:
      'error' in answer
        ? { status: KMS_ERROR_STATUS[answer.error], error: answer.error, message: answer.message }
        : { status: answer.status, body: answer.body },
  };
}

export function renderOperationPage(op: Operation, doc: OperationDoc, sidebarPosition: number) {
  const response = responseRows(doc.output);
  return [
    frontMatter({
      title: op.name,
      description: doc.summary,
      sidebar_position: sidebarPosition,
    }),
    '',
    GENERATED_NOTICE,
    '',
    prose(doc.summary),
    '',
    ...doc.about.flatMap((p) => [prose(p), '']),
    ':::note[Key rules]',
    '',
    ...doc.rules.map((rule) => `- ${prose(rule)}`),
    '',
    ':::',
    '',
    '## Request Syntax',
    '',
    '```http',
    requestSyntax(op.name, op.input),
    '```',
    '',
    '## Request Parameters',
    '',
    '### Headers',
    '',
    component('ParamsTable', { kind: 'headers', rows: headerRows(op.name) }),
    '',
    '### Body',
    '',
    'The body is one JSON object. Members not listed here are ignored; `null` counts as absent.',
    '',
    component('ParamsTable', { kind: 'request', rows: requestRows(op.input, doc.members) }),
    '',
    '## Examples',
    '',
    prose(
      'The examples call the demo keys `qkms dev` creates (by alias) or keys of your own; key ids are those of the keys the examples were written with, yours differ. Values between `<` and `>` differ on every call.',
    ),
    '',
    ...doc.examples.flatMap((example) => [
      `### ${prose(example.title)}`,
      '',
      component('ApiExample', exampleProps(op.name, example)),
      '',
    ]),
    '## Response Syntax',
    '',
    '```http',
    responseSyntax(doc.output),
    '```',
    '',
    '## Response Elements',
    '',
    response.length === 0
      ? 'A successful answer is HTTP 200 with an empty JSON object, `{}`.'
      : component('ParamsTable', { kind: 'response', rows: response }),
    '',
    prose(
      'Every answer carries the header `x-amzn-RequestId`, the id of the request in QKMS\'s logs and audit trail; error answers also carry `x-amzn-ErrorType` and the body `{"__type": "<exception>", "message": "…"}`.',
    ),
    '',
    '## Special Errors',
    '',
    errorTable(op.errors),
    '',
    'Any request can also get the errors listed in [Common errors](common-errors.mdx): malformed or unsigned requests, refused access, throttling.',
    '',
    '## Permissions',
    '',
    permissionsSection(op),
    '',
    '## Try It Out',
    '',
    "Sends the request from this page to a QKMS gateway, signed in the browser with SigV4. The gateway must list this site's origin in `http.cors.allowedOrigins` (`qkms dev` allows the local docs site); the keys you type stay in this page's memory and leave it only as a signature.",
    '',
    component('ApiTester', {
      operation: op.name,
      target: `${TARGET_PREFIX}${op.name}`,
      region: SCOPE.region,
      ...testerDefaults(),
      members: Object.entries(op.input).map(([name, schema]) => ({
        name,
        ...schema,
        doc: doc.members[name] ?? '',
      })),
      example: doc.examples[0]?.request,
    }),
    '',
  ].join('\n');
}
