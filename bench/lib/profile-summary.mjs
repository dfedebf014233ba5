// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went, per request: each
// sample is charged to the innermost frame on its stack that belongs to a known part of the
// request path (SigV4 verification, Express, the JSON codecs, token-client messaging, audit,
// metrics, …), so JSON.parse called by the wire codec counts as "JSON", and the builtins that
// Express calls count as Express.

import { readFileSync } from 'node:fs';

/** First match wins, tested from the innermost frame outwards. */
const CATEGORIES = [
  ['sigv4 verification', (f) => /auth\/sigv4-verifier|@smithy\/signature-v4|@aws-crypto|@smithy\/util-(hex|utf8|buffer|uri)/.test(f.url)],
  ['credentials/policy', (f) => /auth\/(credential-store|policy)|http\/access-request/.test(f.url)],
  ['audit', (f) => /audit\/audit-trail|http\/audit-record/.test(f.url)],
  ['metrics', (f) => /metrics\/|prom-client/.test(f.url)],
  ['logging (pino)', (f) => /node_modules\/pino|log\/logger/.test(f.url)],
  ['token-client messaging', (f) => /pkcs11\/token-client|node:internal\/worker|internal\/per_context\/messageport/.test(f.url) || /^(postMessage|emitMessage)$/.test(f.functionName)],
  ['pkcs11 (token thread)', (f) => /pkcs11\/(token-host|token-thread|session-pool|mechanism-params)|pkcs11js/.test(f.url)],
  ['JSON codecs (wire, parse-input)', (f) => /http\/(wire|parse-input|base64)/.test(f.url)],
  ['operation (Sign, catalog, crypto)', (f) => /\/(operations|keys|crypto)\//.test(f.url)],
  ['kms-handler', (f) => /http\/kms-handler/.test(f.url)],
  ['express', (f) => /node_modules\/(express|router|finalhandler|send|body-parser|on-finished|parseurl|qs|path-to-regexp|type-is|content-type|debug|mime|accepts|fresh|statuses|vary|depd|encodeurl|escape-html|proxy-addr|forwarded|ipaddr|range-parser|merge-descriptors|utils-merge|setprototypeof|cookie|etag|serve-static|media-typer|negotiator|http-errors|raw-body|iconv-lite|safer-buffer|unpipe|ee-first|toidentifier|inherits|object-inspect|side-channel|call-bound|get-intrinsic|es-|math-intrinsics|function-bind|has-symbols|hasown|gopd|dunder-proto)/.test(f.url) || /http\/app/.test(f.url)],
  ['node http/net core', (f) => /^node:(_http|http|net|stream|internal\/(streams|http|stream_base|timers|process\/task_queues|async_hooks|net))/.test(f.url)],
];

const SPECIAL = new Map([
  ['(garbage collector)', 'GC'],
  ['(idle)', 'idle'],
  ['(program)', 'V8/native (unattributed)'],
]);

/**
 * @param {string} file a .cpuprofile
 * @param {[number, number]} [window] CLOCK_MONOTONIC µs: only samples inside count
 * @returns {{totalMs: number, busyMs: number, byCategory: Record<string, number>}}
 */
export function summarizeProfile(file, window) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map();
  const classify = (id) => {
    if (categoryOf.has(id)) return categoryOf.get(id);
    const node = byId.get(id);
    const special = SPECIAL.get(node.callFrame.functionName);
    let category = special ?? null;
    if (!category) {
      for (let cur = id; cur !== undefined && !category; cur = parent.get(cur)) {
        const frame = byId.get(cur).callFrame;
        category = CATEGORIES.find(([, test]) => test(frame))?.[0] ?? null;
      }
    }
    category ??= 'other';
    categoryOf.set(id, category);
    return category;
  };
  const byCategory = {};
  const deltas = profile.timeDeltas;
  const [from, to] = window ?? [-Infinity, Infinity];
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += deltas[i];
    if (at < from || at > to) continue;
    // A sample's time is the gap to the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const category = classify(profile.samples[i]);
    byCategory[category] = (byCategory[category] ?? 0) + ms;
  }
  const totalMs = (Math.min(to, profile.endTime) - Math.max(from, profile.startTime)) / 1000;
  const busyMs = totalMs - (byCategory.idle ?? 0);
  return { totalMs, busyMs, byCategory };
}

/** The most expensive functions by self time (inside `window`), for the report. */
export function topFunctions(file, window, n = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const self = new Map();
  const deltas = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const [from, to] = window ?? [-Infinity, Infinity];
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += deltas[i];
    if (at < from || at > to) continue;
    const f = byId.get(profile.samples[i]).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([fn, ms]) => ({ fn, ms: Number(ms.toFixed(1)) }));
}
