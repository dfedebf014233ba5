// The bench's load generator, run as its own process so its CPU use can be read from /proc.
// Keep-alive HTTP/1.1 over plain sockets (no client library on the hot path), each request
// SigV4-signed afresh. Two modes:
//   closed loop: `connections` sockets each send the next request as soon as the last answered;
//   fixed rate:  requests are scheduled at `rate`/s and latency counts from the scheduled time,
//                so a stalled server is charged for the queue it causes (no coordinated omission).
// Input: one JSON argument (see Options); the secret key comes from BENCH_SECRET.
// Output: one JSON object on stdout.

import { connect } from 'node:net';
import { cpuSeconds, machineCpu } from '../lib/proc.mjs';
import { Sigv4Signer } from '../lib/sigv4.mjs';

/**
 * @typedef {object} Options
 * @property {string} host
 * @property {number} port
 * @property {number} connections
 * @property {number} seconds    measured window
 * @property {number} warmupSeconds  run before the window, not counted
 * @property {number} [rate]     fixed rate (requests/s); absent: closed loop
 * @property {string} target     X-Amz-Target
 * @property {string} bodyBase64 request body
 * @property {string} accessKeyId
 * @property {string} region
 * @property {boolean} [presigned]  reuse one signed request (measures what signing costs us)
 * @property {number[]} [serverPids] processes whose CPU use over the window is reported
 */

/** @type {Options} */
const options = JSON.parse(process.argv[2] ?? '{}');
const body = Buffer.from(options.bodyBase64, 'base64');
const hostHeader = `${options.host}:${options.port}`;
const signer = new Sigv4Signer({
  accessKeyId: options.accessKeyId,
  secretAccessKey: process.env.BENCH_SECRET ?? '',
  region: options.region,
});

function buildRequest() {
  const headers = signer.sign(hostHeader, options.target, body);
  let head = 'POST / HTTP/1.1\r\n';
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const presigned = options.presigned ? buildRequest() : null;
const nextRequest = () => presigned ?? buildRequest();

// Signing alone, no network: the generator's own ceiling for producing requests.
function signingRate() {
  const n = 20000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) buildRequest();
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const latenciesUs = [];
const statuses = new Map();
let firstError = null;
let measuring = false;
let stopped = false;
let completedInWindow = 0;
/** Scheduled send times (ms, hrtime-based) of fixed-rate requests waiting for a free socket. */
const backlog = [];
const idle = [];
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

class Connection {
  constructor() {
    this.socket = connect({ host: options.host, port: options.port, noDelay: true });
    this.buffer = Buffer.alloc(0);
    this.startedAt = 0;
    this.busy = false;
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (err) => {
      if (!stopped) {
        firstError ??= String(err);
        statuses.set('socket-error', (statuses.get('socket-error') ?? 0) + 1);
      }
    });
  }

  send(scheduledAt) {
    this.busy = true;
    this.startedAt = scheduledAt ?? nowMs();
    this.socket.write(nextRequest());
  }

  onData(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = this.buffer.toString('latin1', 0, end);
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const total = end + 4 + (m ? Number(m[1]) : 0);
      if (this.buffer.length < total) return;
      const status = head.slice(9, 12);
      if (status !== '200' && firstError === null)
        firstError = `${status} ${this.buffer.toString('utf8', end + 4, total)}`;
      this.buffer = this.buffer.subarray(total);
      this.finished(status);
    }
  }

  finished(status) {
    const done = nowMs();
    if (measuring) {
      latenciesUs.push((done - this.startedAt) * 1000);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      completedInWindow++;
    }
    this.busy = false;
    if (stopped) return;
    if (options.rate === undefined) this.send();
    else if (backlog.length > 0) this.send(backlog.shift());
    else idle.push(this);
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main() {
  const signOnlyPerSecond = signingRate();
  const connections = Array.from({ length: options.connections }, () => new Connection());
  await Promise.all(connections.map((c) => c.ready));
  const started = nowMs();
  if (options.rate === undefined) {
    for (const c of connections) c.send();
  } else {
    idle.push(...connections);
    let issued = 0;
    // Every millisecond, release the requests whose scheduled time has come.
    const tick = setInterval(() => {
      if (stopped) return clearInterval(tick);
      const due = Math.floor(((nowMs() - started) / 1000) * options.rate);
      for (; issued < due; issued++) {
        const at = started + (issued / options.rate) * 1000;
        const c = idle.pop();
        if (c) c.send(at);
        else backlog.push(at);
      }
    }, 1);
  }
  await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
  const pids = options.serverPids ?? [];
  const server0 = pids.map(cpuSeconds);
  const machine0 = machineCpu();
  measuring = true;
  const cpu0 = process.cpuUsage();
  const window0 = nowMs();
  const window0Ns = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, options.seconds * 1000));
  measuring = false;
  const windowSeconds = (nowMs() - window0) / 1000;
  const window1Ns = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineCpu();
  const serverCpu = pids.map((p, i) => cpuSeconds(p) - (server0[i] ?? 0)).reduce((a, b) => a + b, 0);
  stopped = true;
  const inFlight = connections.filter((c) => c.busy).length;
  for (const c of connections) c.socket.destroy();
  latenciesUs.sort((a, b) => a - b);
  const ok = statuses.get('200') ?? 0;
  const result = {
    mode: options.rate === undefined ? 'closed' : 'fixed-rate',
    connections: options.connections,
    targetRate: options.rate ?? null,
    seconds: windowSeconds,
    completed: completedInWindow,
    perSecond: completedInWindow / windowSeconds,
    okPerSecond: ok / windowSeconds,
    statuses: Object.fromEntries(statuses),
    firstError,
    backlogAtEnd: backlog.length,
    inFlightAtEnd: inFlight,
    latencyUs: {
      p50: percentile(latenciesUs, 0.5),
      p90: percentile(latenciesUs, 0.9),
      p99: percentile(latenciesUs, 0.99),
      max: latenciesUs.length > 0 ? latenciesUs[latenciesUs.length - 1] : null,
    },
    generatorCpuShare: (cpu.user + cpu.system) / 1e6 / windowSeconds,
    serverCpuShare: serverCpu / windowSeconds,
    // Everything else the machine ran meanwhile (other users, the kernel's own work), in cores.
    backgroundCpuShare:
      (machine1.busy - machine0.busy - serverCpu - (cpu.user + cpu.system) / 1e6) / windowSeconds,
    stealShare: (machine1.steal - machine0.steal) / windowSeconds,
    signOnlyPerSecond,
    presigned: Boolean(options.presigned),
    // CLOCK_MONOTONIC, as V8 stamps CPU profile samples: lets a profile be cut to this window.
    windowMonotonicUs: [Number(window0Ns / 1000n), Number(window1Ns / 1000n)],
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`generator: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
