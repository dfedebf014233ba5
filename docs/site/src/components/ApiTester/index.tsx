// "Try it out": calls a QKMS gateway from the page. Endpoint, Region and access key are typed
// here and kept in this component's state only: never stored, never sent except as the SigV4
// signature of the call. The answer is shown as the gateway sent it, errors included.

import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { DocObject } from '../shared/doc-values';
import { fieldsFromExample, hintsFromExample, requestBody } from './body';
import { EXAMPLE_EVENT, type ExampleEventDetail } from './example-event';
import MemberField from './MemberField';
import { EMPTY, type FieldValue, type Member } from './members';
import type { Outcome } from './send';

interface Props {
  readonly operation: string;
  readonly target: string;
  readonly region: string;
  readonly endpoint: string;
  readonly members: readonly Member[];
  readonly example?: DocObject;
}

export default function ApiTester(props: Props): ReactNode {
  const { operation, target, members, example } = props;
  const [endpoint, setEndpoint] = useState(props.endpoint);
  const [region, setRegion] = useState(props.region);
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [fields, setFields] = useState(() => (example ? fieldsFromExample(members, example) : {}));
  const [hints, setHints] = useState(() => (example ? hintsFromExample(example) : {}));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // The panel works once React runs in the page: until then the button would do nothing, and
  // what was typed before hydration could be reset.
  const [ready, setReady] = useState(false);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => setReady(true), []);

  useEffect(() => {
    const load = (event: Event) => {
      const { detail } = event as CustomEvent<ExampleEventDetail>;
      if (detail.operation !== operation) return;
      setFields(fieldsFromExample(members, detail.request));
      setHints(hintsFromExample(detail.request));
      setOutcome(null);
      panel.current?.scrollIntoView({ behavior: 'smooth' });
    };
    window.addEventListener(EXAMPLE_EVENT, load);
    return () => window.removeEventListener(EXAMPLE_EVENT, load);
  }, [operation, members]);

  const setField = (name: string, value: FieldValue) =>
    setFields((current) => ({ ...current, [name]: value }));

  const test = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const { sendCall } = await import('./send');
      const body = requestBody(members, fields);
      setOutcome(await sendCall(endpoint, region, { accessKeyId, secretAccessKey }, target, body));
    } catch (err) {
      setOutcome({ failure: `The request could not be made: ${String(err)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="qkms-tester" ref={panel} data-ready={ready}>
      <div className="qkms-row">
        <div>
          <label htmlFor="qkms-endpoint">Endpoint</label>
          <input
            id="qkms-endpoint"
            type="url"
            value={endpoint}
            autoComplete="off"
            onChange={(e) => setEndpoint(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="qkms-region">Region</label>
          <input
            id="qkms-region"
            type="text"
            value={region}
            autoComplete="off"
            onChange={(e) => setRegion(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="qkms-access-key-id">Access key id</label>
          <input
            id="qkms-access-key-id"
            type="text"
            value={accessKeyId}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setAccessKeyId(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="qkms-secret-access-key">Secret access key</label>
          <input
            id="qkms-secret-access-key"
            type="password"
            value={secretAccessKey}
            autoComplete="off"
            onChange={(e) => setSecretAccessKey(e.target.value)}
          />
        </div>
      </div>
      {members.map((member) => (
        <MemberField
          key={member.name}
          member={member}
          value={fields[member.name] ?? EMPTY}
          hint={hints[member.name]}
          onChange={(value) => setField(member.name, value)}
        />
      ))}
      <p>
        <button
          type="button"
          className="button button--primary margin-top--md"
          disabled={!ready || busy}
          onClick={() => void test()}
        >
          Test request
        </button>
      </p>
      {outcome && <OutcomeView outcome={outcome} />}
    </div>
  );
}

function OutcomeView({ outcome }: { outcome: Outcome }): ReactNode {
  if (outcome.failure)
    return (
      <div className="alert alert--warning" role="alert" data-testid="api-tester-failure">
        {outcome.failure}
      </div>
    );
  return (
    <div data-testid="api-tester-answer">
      <p>
        HTTP <strong data-testid="api-tester-status">{outcome.status}</strong>
        {outcome.errorType && (
          <>
            {' '}
            <code data-testid="api-tester-error-type">{outcome.errorType}</code>
          </>
        )}
        <br />
        Request id: <code data-testid="api-tester-request-id">{outcome.requestId ?? '(none)'}</code>
      </p>
      <pre data-testid="api-tester-body">{outcome.body}</pre>
    </div>
  );
}
