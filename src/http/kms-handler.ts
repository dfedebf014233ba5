// The KMS endpoint: POST / with X-Amz-Target: TrentService.<Operation>. It alone knows the
// wire: target parsing, content type, body limits, request ids, and the error envelope. It is
// a plain (req, res) handler so the signing path pays for no middleware it does not need.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { KmsError, toKmsError } from '../errors/kms-error';
import type { Logger } from '../log/logger';
import type { OperationContext } from '../operations/operation';
import { NOT_SERVED, OPERATIONS } from '../operations/registry';
import type { Authenticated, RequestParts } from '../auth/sigv4-verifier';
import type { Operation } from '../operations/operation';
import type { Policy } from '../auth/policy';
import { accessRequests } from './access-request';
import { Throttled, type Admission, type ThrottleReason } from './admission';
import { auditEvent } from './audit-record';
import { parseInput } from './parse-input';
import { LogBudget } from './log-budget';
import { parseJsonObject, readBody, sendJson, serializeOutput } from './wire';

export const TARGET_PREFIX = 'TrentService.';
/** AWS SDK requests carry about ten headers; a hundred leaves room for proxies. */
const MAX_HEADERS = 100;
export const ACCEPTED_CONTENT_TYPES = ['application/x-amz-json-1.1', 'application/json'];

export interface KmsHandlerOptions {
  readonly ctx: OperationContext;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  /** Refuse Host headers that are not loopback names (on while there is no authentication). */
  readonly loopbackHostsOnly: boolean;
  /**
   * With loopbackHostsOnly, answer Host headers that are IP addresses too (`qkms dev` in a
   * container, reached through a published port at the Docker host's address). DNS rebinding,
   * what the loopback rule is for, cannot produce one: a browser sends the name it resolved.
   */
  readonly addressHostsToo?: boolean;
  /** Told about every finished request (metrics). */
  readonly observe?: (operation: string, outcome: string, seconds: number) => void;
  /** Key policies, applied to authenticated principals. */
  readonly policy?: Policy;
  /** Checks the request's SigV4 signature; absent when auth.mode is none. */
  readonly authenticate?: (req: IncomingMessage, parts: RequestParts) => Promise<Authenticated>;
  /** In-flight cap and per-principal rate limits. */
  readonly admission?: Admission;
  /** Told about every request answered ThrottlingException, and why (metrics). */
  readonly throttled?: (reason: ThrottleReason) => void;
  /** Whether the API answers a request with this Host header (http.allowedHosts); absent: any. */
  readonly hostAllowed?: (host: string | undefined) => boolean;
}

/** The request as the signature covers it: method, raw path and query, headers, body bytes. */
function requestParts(req: IncomingMessage, body: Buffer): RequestParts {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) headers[name] = values.join(',');
  }
  return {
    method: req.method ?? 'POST',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers,
    body,
  };
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

const ADDRESS_HOST = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9a-f:.]+)\])(?::\d+)?$/i;

/** An IPv4 address or a bracketed IPv6 address, with an optional port. */
function isAddressHost(host: string | undefined): boolean {
  const m = host === undefined ? null : ADDRESS_HOST.exec(host);
  return m !== null && isIP(m[1] ?? m[2] ?? '') !== 0;
}

function operationFor(target: string | string[] | undefined) {
  const name =
    typeof target === 'string' && target.startsWith(TARGET_PREFIX)
      ? target.slice(TARGET_PREFIX.length)
      : '';
  const op = OPERATIONS.get(name);
  if (op) return op;
  if (NOT_SERVED.has(name)) {
    throw new KmsError(
      'UnsupportedOperationException',
      `QKMS does not serve ${name} (see docs/compatibility.md).`,
    );
  }
  throw new KmsError('UnknownOperationException', 'The requested operation is not recognized.');
}

export function kmsHandler(options: KmsHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    let op: Operation | undefined;
    /** The operation named by an authenticated request (before admission), for metrics and logs. */
    let named: Operation | undefined;
    let principal: string | null = null;
    let input: Record<string, unknown> | undefined;
    let output: Record<string, unknown> | undefined;
    let error: KmsError | undefined;
    // The audit line is written before the answer leaves.
    const audit = (operation: Operation) => {
      if (!operation.audit) return;
      const source = req.socket.remoteAddress ?? null;
      const context = {
        requestId,
        principal,
        source,
        operation: operation.name,
        input,
        output,
        error,
      };
      options.ctx.audit.record(auditEvent(context, options.ctx.catalog));
    };
    let admitted = false;
    let authenticated = false;
    let bodyRead = false;
    try {
      if (req.rawHeaders.length / 2 > MAX_HEADERS) {
        throw new KmsError(
          'SerializationException',
          `A request may carry at most ${MAX_HEADERS} headers.`,
        );
      }
      // Node keeps the first of several Host headers and the signature covers them all: one
      // request, one host (as HTTP/1.1 asks).
      if (req.headersDistinct.host && req.headersDistinct.host.length > 1)
        throw new KmsError('SerializationException', 'A request may carry one Host header.');
      // Nothing about the request is acted on before its signature checks out.
      const raw = await readBody(req, options.maxBodyBytes);
      bodyRead = true;
      if (options.authenticate)
        principal = (await options.authenticate(req, requestParts(req, raw))).principal;
      authenticated = true;
      // Only an authenticated request's operation is taken as named: refusals before this point
      // are `unknown` in the metrics, which the alert rules leave out (operations.md).
      named = operationFor(req.headers['x-amz-target']);
      if (options.hostAllowed && !options.hostAllowed(req.headers.host)) {
        throw new KmsError(
          'AccessDeniedException',
          'The request is addressed to a host name this gateway does not serve (http.allowedHosts).',
        );
      }
      // Admission after the request is read and authenticated: a client trickling its body
      // (bounded by http.requestTimeoutMs) or sending bad signatures holds no slot.
      options.admission?.enter();
      admitted = true;
      options.admission?.charge(principal ?? 'anonymous');
      const host = req.headers.host;
      if (
        options.loopbackHostsOnly &&
        !isLoopbackHost(host) &&
        !(options.addressHostsToo && isAddressHost(host))
      ) {
        // Without authentication, a browser page could reach 127.0.0.1 through DNS rebinding;
        // its requests carry the attacker's host name, never a loopback one.
        throw new KmsError(
          'AccessDeniedException',
          options.addressHostsToo
            ? 'Without authentication QKMS only answers requests addressed to a loopback host name or an IP address.'
            : 'Without authentication QKMS only answers requests addressed to a loopback host name.',
        );
      }
      op = named;
      const contentType =
        (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!ACCEPTED_CONTENT_TYPES.includes(contentType)) {
        throw new KmsError(
          'SerializationException',
          `Content-Type must be ${ACCEPTED_CONTENT_TYPES.join(' or ')}.`,
        );
      }
      input = parseInput(op.input, parseJsonObject(raw));
      if (principal !== null && options.policy) {
        for (const request of accessRequests(principal, op.name, input, options.ctx.catalog))
          options.policy.authorize(request);
      }
      const source = req.socket.remoteAddress ?? null;
      output = await op.handle(input as never, options.ctx, { requestId, principal, source });
      if (op.audit === 'change') {
        // The change is made, and its intent line was written before it: failing to write the
        // outcome line must not turn a change that happened into an error answer.
        try {
          audit(op);
        } catch (auditErr) {
          options.log.error({ requestId, err: String(auditErr) }, 'audit outcome line NOT written');
        }
      } else {
        // A key use is not answered without its line: the signature stays here.
        audit(op);
      }
      sendJson(res, 200, serializeOutput(output), requestId);
    } catch (err) {
      if (!bodyRead && clientGone(req, err)) {
        // The client hung up before its request was whole: nothing to answer, and nothing the
        // server did wrong. Counted apart from errors, logged quietly.
        quiet.log(options.log, 'client closed the connection', { requestId });
        options.observe?.(named?.name ?? 'unknown', CLIENT_CLOSED, elapsed(started));
        return; // nothing admitted yet: admission follows the read body
      }
      // Before the request is authenticated, anything unexpected is the request's fault (a
      // malformed URI, header or body): a client error, never a 500 an anonymous client caused.
      error =
        !authenticated && !(err instanceof KmsError)
          ? new KmsError('SerializationException', 'The request could not be read.', err)
          : toKmsError(err);
      if (error.status >= 500) {
        options.log.error(
          {
            requestId,
            operation: named?.name ?? 'unknown',
            error: error.name,
            cause: error.cause === undefined ? undefined : String(error.cause),
          },
          'request failed',
        );
      } else if (!authenticated) {
        // A failure QKMS did not foresee (not a KmsError) may be a bug of its own: a warning
        // with its cause, still within the budget anyone can spend.
        const unforeseen = !(err instanceof KmsError);
        quiet.log(
          options.log,
          'request refused before authentication',
          { requestId, error: error.name, ...(unforeseen ? { cause: String(err) } : {}) },
          unforeseen ? 'warn' : 'debug',
        );
      } else {
        options.log.debug(
          { requestId, operation: named?.name ?? 'unknown', error: error.name },
          'request failed',
        );
      }
      if (op) {
        try {
          audit(op);
        } catch (auditErr) {
          // The trail could not be written (disk full): the client still gets its error answer.
          options.log.error({ requestId, err: String(auditErr) }, 'audit line NOT written');
        }
      }
      if (error.name === 'ThrottlingException')
        options.throttled?.(error instanceof Throttled ? error.reason : 'session_wait');
      if (!res.headersSent)
        sendJson(res, error.status, JSON.stringify(error), requestId, error.name);
    } finally {
      if (admitted) options.admission?.leave();
    }
    options.observe?.(named?.name ?? 'unknown', error ? error.name : 'success', elapsed(started));
  };
}

/** The outcome label of requests whose client hung up before the request was whole; nothing is sent. */
export const CLIENT_CLOSED = 'ClientClosedRequest';

const elapsed = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** Whether a failure is the client's connection ending, not anything about the request. */
function clientGone(req: IncomingMessage, err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    req.destroyed ||
    code === 'ECONNRESET' ||
    code === 'ECONNABORTED' ||
    (err instanceof Error && err.message === 'aborted')
  );
}

/** Failures of unauthenticated requests and hang-ups: logged at debug, 20 lines a second at most. */
const quiet = new LogBudget(20);
