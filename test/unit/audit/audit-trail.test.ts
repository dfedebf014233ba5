// The audit trail's memory of past uses: rebuilt at start-up from the file's tail only, so a
// trail that has grown for months neither slows start-up nor fills memory.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditTrail, type AuditEvent } from '../../../src/audit/audit-trail';

const NOW = Date.parse('2026-11-23T12:00:00Z');

function use(keyId: string, minute: number, requestId = `r-${keyId}-${minute}`): AuditEvent {
  return {
    time: new Date(Date.parse('2026-11-20T00:00:00Z') + minute * 60_000).toISOString(),
    requestId,
    principal: 'alice',
    source: '127.0.0.1',
    operation: 'Sign',
    keyArn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
    keyId,
    outcome: 'success',
  };
}

function trailFile(events: AuditEvent[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'qkms-audit-')), 'audit.log');
  writeFileSync(file, events.map((e) => `${JSON.stringify({ type: 'audit', ...e })}\n`).join(''));
  return file;
}

it('rebuilds last usage and the tracking start from the whole of a small trail', () => {
  const file = trailFile([use('k1', 1), use('k2', 2), use('k1', 3)]);
  const trail = AuditTrail.open(file, NOW);
  expect(trail.lastUsage('k1')?.requestId).toBe('r-k1-3');
  expect(trail.lastUsage('k2')?.requestId).toBe('r-k2-2');
  expect(trail.trackingStart).toBe(Date.parse(use('k1', 1).time));
  void trail.close();
});

it('reads only the tail of a large trail, and says where tracking starts', () => {
  const events = [use('old-key', 0), ...Array.from({ length: 200 }, (_, i) => use('k1', i + 1))];
  const file = trailFile(events);
  const size = readFileSync(file).length;
  // The last ~half of the file: the cut lands inside a line, which must be skipped, not misread.
  const trail = AuditTrail.open(file, NOW, Math.floor(size / 2) + 7);
  expect(trail.lastUsage('old-key')).toBeUndefined();
  expect(trail.lastUsage('k1')?.requestId).toBe('r-k1-200');
  expect(trail.trackingStart).toBeGreaterThan(Date.parse(use('k1', 50).time));
  expect(trail.trackingStart).toBeLessThan(Date.parse(use('k1', 150).time));
  void trail.close();
});

it('survives a torn last line from a crash', () => {
  const file = trailFile([use('k1', 1)]);
  writeFileSync(file, `${readFileSync(file, 'utf8')}{"type":"audit","time":"2026-11-2`);
  const trail = AuditTrail.open(file, NOW);
  expect(trail.lastUsage('k1')?.requestId).toBe('r-k1-1');
  void trail.close();
});

it('reads a trail of several chunks, multi-byte text included, line by line', () => {
  const events = Array.from({ length: 12_000 }, (_, i) => ({
    ...use(`k${i % 7}`, i),
    principal: 'zoë-ünïcødé-签名者',
  }));
  const file = trailFile(events);
  expect(readFileSync(file).length).toBeGreaterThan(2 * 1024 * 1024);
  const trail = AuditTrail.open(file, NOW);
  for (let k = 0; k < 7; k++) {
    const lastIndex = 12_000 - 7 + ((k - (12_000 % 7) + 7) % 7);
    expect(trail.lastUsage(`k${k}`)?.requestId).toBe(`r-k${k}-${lastIndex}`);
  }
  expect(trail.trackingStart).toBe(Date.parse(use('k0', 0).time));
  void trail.close();
});

it('starts its first line on a new line when the file ends mid-line (a full disk cut it)', async () => {
  const file = trailFile([use('k1', 1)]);
  writeFileSync(file, `${readFileSync(file, 'utf8')}{"type":"audit","torn`);
  const trail = AuditTrail.open(file, NOW);
  trail.record(use('k2', 2));
  await trail.close();
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(lines[1]).toBe('{"type":"audit","torn');
  expect(JSON.parse(lines[2] as string)).toMatchObject({ keyId: 'k2', outcome: 'success' });
});

it('writes a change intent line, and repeats its detail on the outcome line of the same request', async () => {
  const file = trailFile([]);
  const trail = AuditTrail.open(file, NOW);
  const intent = {
    requestId: 'r-1',
    principal: 'alice',
    source: '127.0.0.1',
    operation: 'UpdateAlias',
    keyArn: 'arn:aws:kms:us-east-1:111122223333:key/new',
    keyId: 'new',
    aliasName: 'alias/a',
    previousKeyId: 'old',
  };
  trail.recordIntent(intent, new Date(NOW));
  trail.record({ ...use('alias/a', 1, 'r-1'), operation: 'UpdateAlias', keyArn: null });
  await trail.close();
  const [first, second] = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(first).toEqual({
    type: 'audit',
    phase: 'intent',
    time: new Date(NOW).toISOString(),
    ...intent,
  });
  expect(second).toMatchObject({
    operation: 'UpdateAlias',
    outcome: 'success',
    keyArn: intent.keyArn,
    keyId: 'new',
    aliasName: 'alias/a',
    previousKeyId: 'old',
  });
});
