// Issue 11's concurrency property (run by test/e2e/metadata-concurrency*.test.ts, with key metadata
// in the token or in PostgreSQL): on one SoftHSM token, a `qkms serve` with two workers, a second
// `qkms serve` and `qkms keys` commands all change the metadata of a few keys and alias names at
// once, for a fixed period. Every request is recorded (client, operation, arguments, start, end,
// outcome). While it runs, every daemon is sampled: no alias may be listed twice, and Sign
// through an alias may never answer KMSInternalException. Afterwards the daemons (and both
// workers) must agree, and every register (a key's description, state, each tag, each alias's
// target) must hold a value the history explains: see test/support/metadata-history.ts for the
// reasoning. A failure prints the seed (QKMS_TEST_SEED repeats the random choices) and the
// offending history lines.

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  KMSClient,
  SignCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { freePort } from './daemon';
import { eventually } from './eventually';
import {
  errorName,
  freshConnectionKms,
  killEveryQkms,
  makeThrowawayToken,
  pick,
  runQkmsCommand,
  seededRandom,
  sleep,
  spawnQkms,
  testSeed,
  tokenEnv,
  waitReady,
  type Outcome,
  type QkmsProcess,
  type ThrowawayToken,
} from './metadata-harness';
import { History, historyLine, judgeAll, registers, type HistoryEntry } from './metadata-history';
import {
  canonical,
  differences,
  duplicateAliases,
  listAllAliases,
  observe,
  readSnapshots,
  type Snapshot,
} from './metadata-snapshot';

const HAMMER_MS = 15_000;
const ALIASES = ['alias/meta-a', 'alias/meta-b', 'alias/meta-c', 'alias/meta-d'];
const CLUSTER_CLIENTS = 4;
const SECOND_CLIENTS = 3;
/** Tag keys each client owns per key: 7 clients x 5 stays under AWS's 50 tags per key. */
const TAGS_PER_CLIENT = 5;
const MESSAGE = Buffer.from('signed through an alias while its target changes');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const seed = testSeed();
const random = seededRandom(seed);
const history = new History();
let token: ThrowawayToken;
let cluster: QkmsProcess;
let second: QkmsProcess;
let clusterKms: KMSClient;
let secondKms: KMSClient;
let cliEnv: Record<string, string>;
const keyIds: string[] = [];
const cliCreates: { entry: HistoryEntry; alias: string }[] = [];
const sampled = { duplicates: [] as string[], internal: [] as string[], rounds: 0, errors: 0 };
let finalViews: { name: string; snapshot: Snapshot }[] = [];
const agreement: string[] = [];

const note = (text: string): string => `${text}\n(seed ${seed}: QKMS_TEST_SEED=${seed} repeats it)`;

function report(title: string, problems: string[]): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 12).join('\n\n');
  const more = problems.length > 12 ? `\n\n... and ${problems.length - 12} more` : '';
  throw new Error(note(`${title} (${problems.length}):\n\n${shown}${more}`));
}

beforeAll(async () => {
  token = makeThrowawayToken('qkms-meta-concurrency');
  const ports = {
    cluster: { api: await freePort(), metrics: await freePort() },
    second: { api: await freePort(), metrics: await freePort() },
  };
  cluster = spawnQkms(['serve'], tokenEnv(token, ports.cluster, { QKMS_WORKERS: '2' }));
  second = spawnQkms(['serve'], tokenEnv(token, ports.second, { QKMS_WORKERS: '1' }));
  cliEnv = tokenEnv(token, { api: await freePort(), metrics: 0 });
  await Promise.all([
    waitReady(cluster, ports.cluster.metrics),
    waitReady(second, ports.second.metrics),
  ]);
  clusterKms = freshConnectionKms(`http://127.0.0.1:${ports.cluster.api}`);
  secondKms = freshConnectionKms(`http://127.0.0.1:${ports.second.api}`);

  for (let i = 0; i < 3; i++) {
    const created = await clusterKms.send(
      new CreateKeyCommand({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: `initial-${i}`,
      }),
    );
    const keyId = created.KeyMetadata?.KeyId as string;
    keyIds.push(keyId);
    history.initial.set(registers.description(keyId), `initial-${i}`);
    history.initial.set(registers.state(keyId), 'Enabled');
  }
  // Every daemon and worker should know the three keys before the run starts. If one does not,
  // that is a finding (reported below) but the run goes on: its requests fail NotFound, which
  // the checker counts as "did not happen".
  let views: Snapshot[] = [];
  const known = await eventually(async () => {
    views = [...(await readSnapshots(clusterKms, 2)), ...(await readSnapshots(secondKms))];
    return views.every((v) => keyIds.every((k) => v.keys.has(k))) ? true : undefined;
  }, 10_000);
  if (!known) {
    const names = ['cluster (one worker)', 'cluster (other worker)', 'second serve'];
    views.forEach((v, i) => {
      const missing = keyIds.filter((k) => !v.keys.has(k));
      if (missing.length > 0)
        agreement.push(
          `before the run, 10 s after the keys were made through the cluster: ${names[i]} did not know ${missing.join(', ')}`,
        );
    });
  }

  const deadline = history.now() + HAMMER_MS;
  let sampling = true;
  const clients = [
    ...Array.from({ length: CLUSTER_CLIENTS }, (_, i) => hammer(`c${i}`, clusterKms, deadline)),
    ...Array.from({ length: SECOND_CLIENTS }, (_, i) => hammer(`s${i}`, secondKms, deadline)),
    cliRuns(deadline),
  ];
  const samplers = [sample('cluster', clusterKms, () => sampling)];
  samplers.push(sample('second', secondKms, () => sampling));
  await Promise.all(clients);
  sampling = false;
  await Promise.all(samplers);

  // The daemons (and both cluster workers) agree within ~10 s once the writes stop.
  let last: { name: string; snapshot: Snapshot }[] = [];
  const agreed = await eventually(async () => {
    const [w1, w2] = await readSnapshots(clusterKms, 2);
    const [b] = await readSnapshots(secondKms);
    if (!w1 || !w2 || !b) return undefined;
    last = [
      { name: 'cluster (one worker)', snapshot: w1 },
      { name: 'cluster (other worker)', snapshot: w2 },
      { name: 'second serve', snapshot: b },
    ];
    return canonical(w1) === canonical(w2) && canonical(w1) === canonical(b) ? true : undefined;
  }, 10_000);
  if (last.length === 0) throw new Error('could not read the final state of the daemons');
  if (!agreed) {
    agreement.push(
      ...differences(last[0]!.snapshot, last[1]!.snapshot, ['worker 1', 'worker 2']),
      ...differences(last[0]!.snapshot, last[2]!.snapshot, ['cluster', 'second serve']),
    );
  }
  finalViews = agreed ? [{ name: 'every daemon', snapshot: last[0]!.snapshot }] : last;
}, 150_000);

afterAll(async () => {
  clusterKms?.destroy();
  secondKms?.destroy();
  await Promise.all([cluster?.stop(10_000), second?.stop(10_000)]);
  await killEveryQkms();
  token?.remove();
}, 60_000);

/** One client: random metadata changes, one at a time, until the deadline. */
async function hammer(client: string, kms: KMSClient, deadline: number): Promise<void> {
  const tagged = new Map<string, string[]>();
  for (let n = 1; history.now() < deadline; n++) {
    const KeyId = pick(random, keyIds);
    const r = random();
    const mine = tagged.get(KeyId) ?? [];
    if (r < 0.15 && mine.length > 0) {
      const TagKey = pick(random, mine);
      await history.record(client, 'UntagResource', { KeyId, TagKey }, () =>
        kms.send(new UntagResourceCommand({ KeyId, TagKeys: [TagKey] })),
      );
    } else if (r < 0.4) {
      // A tag key only this client uses, with a value never used before.
      const TagKey = `${client}-t${Math.floor(random() * TAGS_PER_CLIENT)}`;
      const TagValue = `${client}-${n}`;
      if (!mine.includes(TagKey)) tagged.set(KeyId, [...mine, TagKey]);
      await history.record(client, 'TagResource', { KeyId, TagKey, TagValue }, () =>
        kms.send(new TagResourceCommand({ KeyId, Tags: [{ TagKey, TagValue }] })),
      );
    } else if (r < 0.55) {
      const Description = `${client}-${n}`;
      await history.record(client, 'UpdateKeyDescription', { KeyId, Description }, () =>
        kms.send(new UpdateKeyDescriptionCommand({ KeyId, Description })),
      );
    } else if (r < 0.7) {
      const enable = random() < 0.5;
      await history.record(client, enable ? 'EnableKey' : 'DisableKey', { KeyId }, () =>
        kms.send(enable ? new EnableKeyCommand({ KeyId }) : new DisableKeyCommand({ KeyId })),
      );
    } else {
      const AliasName = pick(random, ALIASES);
      const op = pick(random, ['CreateAlias', 'UpdateAlias', 'DeleteAlias'] as const);
      if (op === 'DeleteAlias') {
        await history.record(client, op, { AliasName }, () =>
          kms.send(new DeleteAliasCommand({ AliasName })),
        );
      } else {
        const args = { AliasName, TargetKeyId: KeyId };
        await history.record(client, op, args, () =>
          kms.send(
            op === 'CreateAlias' ? new CreateAliasCommand(args) : new UpdateAliasCommand(args),
          ),
        );
      }
    }
  }
}

/** What a failed `qkms keys` command means: a KMS client error did not happen, else unknown. */
function cliOutcome(run: { code: number | null; output: string; timedOut: boolean }): {
  outcome: Outcome;
  error?: string;
} {
  if (run.code === 0 && !run.timedOut) return { outcome: 'ok' };
  const last = run.output.trim().split('\n').slice(-1)[0] ?? '';
  if (!run.timedOut && /already ?exists|not ?found|does not exist|pending deletion/i.test(last))
    return { outcome: 'failed', error: `exit ${run.code}: ${last.slice(0, 160)}` };
  return {
    outcome: 'indeterminate',
    error: run.timedOut ? 'timed out' : `exit ${run.code}: ${last.slice(0, 160)}`,
  };
}

/** `qkms keys alias` and `qkms keys create --alias`, one after the other, beside the daemons. */
async function cliRuns(deadline: number): Promise<void> {
  for (let i = 0; history.now() < deadline - 1500; i++) {
    if (i % 2 === 0) {
      const AliasName = pick(random, ALIASES);
      const TargetKeyId = pick(random, keyIds);
      await history.recordCustom('cli', 'cli keys alias', { AliasName, TargetKeyId }, async () =>
        cliOutcome(await runQkmsCommand(['keys', 'alias', AliasName, TargetKeyId], cliEnv)),
      );
    } else {
      const AliasName = `alias/cli-${seed}-${i}`;
      const entry = await history.recordCustom(
        'cli',
        'cli keys create',
        { AliasName },
        async () => {
          const run = await runQkmsCommand(
            ['keys', 'create', '--spec', 'ECC_NIST_P256', '--alias', AliasName],
            cliEnv,
          );
          const keyId = run.stdout
            .trim()
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => UUID.test(l))
            .pop();
          const outcome = cliOutcome(run);
          return outcome.outcome === 'ok' && keyId ? { ...outcome, result: keyId } : outcome;
        },
      );
      cliCreates.push({ entry, alias: AliasName });
      if (entry.outcome === 'ok' && entry.result) {
        history.initial.set(registers.alias(AliasName), entry.result);
        history.initial.set(registers.description(entry.result), '');
        history.initial.set(registers.state(entry.result), 'Enabled');
      }
    }
    await sleep(500);
  }
}

/** Samples one daemon until told to stop: alias listings and Sign through every alias name. */
async function sample(name: string, kms: KMSClient, going: () => boolean): Promise<void> {
  while (going()) {
    const at = (history.now() / 1000).toFixed(3);
    try {
      const dups = duplicateAliases(await listAllAliases(kms));
      if (dups.length > 0) sampled.duplicates.push(`${at}s ${name}: ${dups.join('; ')}`);
    } catch {
      sampled.errors += 1;
    }
    for (const KeyId of ALIASES) {
      try {
        await kms.send(
          new SignCommand({
            KeyId,
            Message: MESSAGE,
            MessageType: 'RAW',
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        );
      } catch (err) {
        const error = errorName(err);
        if (error === 'KMSInternalException')
          sampled.internal.push(`${at}s ${name}: Sign through ${KeyId} -> KMSInternalException`);
      }
    }
    sampled.rounds += 1;
  }
}

/** Runs the history checker on every final view; `kinds` picks the registers. */
function judgeViews(kinds: readonly string[]): string[] {
  const problems: string[] = [];
  for (const { name, snapshot } of finalViews) {
    for (const p of judgeAll(history, (r) => observe(snapshot, r))) {
      if (kinds.includes(p.split(' ')[0] ?? '')) problems.push(`[${name}] ${p}`);
    }
  }
  return problems;
}

it('did real work: acknowledged changes of every kind, samples from both daemons', () => {
  const acked = (op: string): number =>
    history.entries.filter((e) => e.op === op && e.outcome === 'ok').length;
  const summary = [
    ...[
      'TagResource',
      'UntagResource',
      'UpdateKeyDescription',
      'EnableKey',
      'DisableKey',
      'CreateAlias',
      'UpdateAlias',
      'DeleteAlias',
      'cli keys alias',
      'cli keys create',
    ].map((op) => `${op}: ${acked(op)} ok`),
    `indeterminate: ${history.count('indeterminate')}, failed: ${history.count('failed')}`,
    `sample rounds: ${sampled.rounds} (errors ${sampled.errors})`,
  ].join('\n');
  console.log(`metadata-concurrency (seed ${seed}):\n${summary}`);
  expect(acked('TagResource')).toBeGreaterThan(20);
  expect(acked('UpdateKeyDescription')).toBeGreaterThan(5);
  expect(acked('CreateAlias') + acked('UpdateAlias') + acked('DeleteAlias')).toBeGreaterThan(5);
  expect(history.entries.filter((e) => e.op.startsWith('cli ')).length).toBeGreaterThanOrEqual(2);
  expect(sampled.rounds).toBeGreaterThan(10);
});

it('never listed one alias name twice, on any daemon at any sample', () => {
  const final = finalViews.flatMap(({ name, snapshot }) =>
    [...snapshot.aliases]
      .filter(([, keys]) => keys.length > 1)
      .map(([alias, keys]) => `final, ${name}: ${alias} -> ${keys.join(', ')}`),
  );
  report('ListAliases listed an alias name twice', [...sampled.duplicates, ...final]);
});

it('never answered KMSInternalException to Sign through an alias', () => {
  report('Sign through an alias answered KMSInternalException', sampled.internal);
});

it('has every daemon and both cluster workers agree on the keys before, and on all metadata after', () => {
  report('the daemons (or workers) disagreed for 10 s', agreement);
});

it('keeps every acknowledged TagResource and UntagResource (unless superseded)', () => {
  report('tag changes lost', judgeViews(['tag']));
});

it('ends with descriptions and key states some unsuperseded write explains', () => {
  report('description or key state not explained by the history', judgeViews(['desc', 'state']));
});

it('ends with each alias on the key (or absent) some unsuperseded write explains', () => {
  report('alias target not explained by the history', judgeViews(['alias']));
});

it('keeps every key made by an acknowledged `qkms keys create`, with its alias', () => {
  const problems: string[] = [];
  for (const { entry, alias } of cliCreates) {
    if (entry.outcome !== 'ok' || !entry.result) continue;
    for (const { name, snapshot } of finalViews) {
      if (!snapshot.keys.has(entry.result))
        problems.push(`[${name}] key missing: ${historyLine(entry)}`);
      const targets = snapshot.aliases.get(alias) ?? [];
      if (targets.length !== 1 || targets[0] !== entry.result)
        problems.push(
          `[${name}] ${alias} -> ${targets.join(', ') || 'absent'}: ${historyLine(entry)}`,
        );
    }
  }
  report('keys made by `qkms keys create` lost', problems);
});
