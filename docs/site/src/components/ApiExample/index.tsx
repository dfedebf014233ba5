// One example of the API reference: the request as it goes on the wire and the answer as QKMS
// gives it, with the calls it assumes were made before. "Try this example" copies the request
// into the page's "Try it out" panel.

import CodeBlock from '@theme/CodeBlock';
import type { ReactNode } from 'react';
import Inline from '../shared/Inline';
import { REASONS, showJson, type DocObject, type DocValue } from '../shared/doc-values';
import { EXAMPLE_EVENT, type ExampleEventDetail } from '../ApiTester/example-event';

interface Given {
  readonly operation: string;
  readonly input: DocObject;
  readonly says: string;
}

interface Answer {
  readonly status: number;
  readonly body?: DocObject;
  readonly error?: string;
  readonly message?: DocValue;
}

interface Props {
  readonly operation: string;
  readonly target: string;
  readonly host: string;
  readonly region: string;
  readonly title: string;
  readonly says: string;
  readonly given?: readonly Given[];
  readonly request: DocObject;
  readonly answer: Answer;
}

function requestText({ target, host, region, request }: Props): string {
  return [
    'POST / HTTP/1.1',
    `Host: ${host}`,
    'Content-Type: application/x-amz-json-1.1',
    `X-Amz-Target: ${target}`,
    'X-Amz-Date: <request time>',
    `Authorization: AWS4-HMAC-SHA256 Credential=<access key id>/<date>/${region}/kms/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=<signature>`,
    '',
    showJson(request),
  ].join('\n');
}

function answerText(answer: Answer): string {
  const lines = [
    `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? ''}`.trimEnd(),
    'Content-Type: application/x-amz-json-1.1',
    'x-amzn-RequestId: <request id>',
  ];
  if (answer.error) lines.push(`x-amzn-ErrorType: ${answer.error}`);
  const body: DocObject = answer.error
    ? { __type: answer.error, message: answer.message ?? '' }
    : (answer.body ?? {});
  return [...lines, '', showJson(body)].join('\n');
}

export default function ApiExample(props: Props): ReactNode {
  const { operation, says, given, request, answer } = props;
  const tryIt = () => {
    const detail: ExampleEventDetail = { operation, request };
    window.dispatchEvent(new CustomEvent(EXAMPLE_EVENT, { detail }));
  };
  return (
    <div className="qkms-example">
      <p>
        <Inline text={says} />
      </p>
      {given && given.length > 0 && (
        <p>
          Before this request:{' '}
          {given.map((step, i) => (
            <span key={i}>
              {i > 0 && ' Then: '}
              <Inline text={`${step.says} (\`${step.operation}\`)`} />
            </span>
          ))}
        </p>
      )}
      <CodeBlock language="http" title="Request">
        {requestText(props)}
      </CodeBlock>
      <CodeBlock language="http" title="Answer">
        {answerText(answer)}
      </CodeBlock>
      <button type="button" className="button button--sm button--secondary" onClick={tryIt}>
        Try this example
      </button>
    </div>
  );
}
