// Sends one signed call and reads the answer as the gateway gave it: status, request id, error
// type and body. A call the browser could not make (no gateway, or no CORS permission for this
// origin) has no answer at all, and says so.

import { signedHeaders, type Credentials } from './sign-request';

export interface Outcome {
  readonly status?: number;
  readonly requestId?: string | null;
  readonly errorType?: string | null;
  readonly body?: string;
  /** Set when there is no answer to show. */
  readonly failure?: string;
}

export async function sendCall(
  endpointText: string,
  region: string,
  credentials: Credentials,
  target: string,
  body: string,
): Promise<Outcome> {
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
  } catch {
    return { failure: `${endpointText} is not a URL such as http://127.0.0.1:8080.` };
  }
  const headers = await signedHeaders(endpoint, region, credentials, target, body);
  let answer: Response;
  try {
    answer = await fetch(new URL('/', endpoint), {
      method: 'POST',
      headers,
      body,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return {
      failure: `No answer from ${endpoint.origin}: the gateway is not running there, or it does not list this page's origin (${window.location.origin}) in http.cors.allowedOrigins.`,
    };
  }
  const text = await answer.text();
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON: shown as sent.
  }
  return {
    status: answer.status,
    requestId: answer.headers.get('x-amzn-RequestId'),
    errorType: answer.headers.get('x-amzn-ErrorType'),
    body: shown,
  };
}
