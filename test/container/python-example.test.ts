// The Python recipe of docs/testing-with-qkms.md, run as a Python user runs it: the shell script
// starts the dev image with plain `docker run`, waits for /readyz, runs the pytest file (boto3
// signs, `cryptography` verifies) and removes the container. Only what cannot be shared on a
// test machine changes: the image tag (the one this suite built), the container name and the
// host ports.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getContainerRuntimeClient } from 'testcontainers';
import { freePort } from '../support/daemon';
import { CONTAINER_IMAGE, describeWithEngine } from './qkms-container';

const run = promisify(execFile);
const RECIPE = join(__dirname, 'python');

describeWithEngine('the Python recipe (docker run, boto3, pytest)', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'qkms-python-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('passes its two tests and leaves no container behind', async () => {
    // What the recipe needs besides Docker; named plainly when it is missing.
    await run('python3', ['-c', 'import boto3, botocore, cryptography, pytest']).catch((err) => {
      throw new Error(
        `the Python recipe needs python3 with boto3, cryptography and pytest (pip install boto3 cryptography pytest): ${String(err)}`,
      );
    });
    const [api, ops] = [await freePort(), await freePort()];
    const name = `qkms-test-${randomUUID()}`;
    const local = (text: string) =>
      text
        .replaceAll('127.0.0.1:8080', `127.0.0.1:${api}`)
        .replaceAll('127.0.0.1:9464', `127.0.0.1:${ops}`)
        .replaceAll('qkms-test', name)
        .replaceAll('qkms:dev', CONTAINER_IMAGE);
    cpSync(RECIPE, work, { recursive: true });
    for (const file of ['run-tests.sh', 'test_signing.py']) {
      writeFileSync(join(work, file), local(readFileSync(join(RECIPE, file), 'utf8')));
    }

    const { stdout } = await run('sh', [join(work, 'run-tests.sh')], { cwd: work });
    expect(stdout).toMatch(/^2 passed\b/m);

    const docker = (await getContainerRuntimeClient()).container.dockerode;
    expect(await docker.listContainers({ all: true, filters: { name: [name] } })).toEqual([]);
  }, 240_000);
});
