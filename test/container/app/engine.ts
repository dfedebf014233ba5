// The container suite's skip rule for this project's tests: the suite's global setup names the
// reason when no Docker engine can be reached (QKMS_CONTAINER_SKIP), and CI makes that a failure.
// signing.test.ts imports it as `describe`, so that the file docs/testing-with-qkms.md quotes is
// the one that runs, but for that import.

const skip = process.env.QKMS_CONTAINER_SKIP;

export const describeWithEngine = (name: string, fn: () => void): void =>
  skip === undefined
    ? globalThis.describe(name, fn)
    : globalThis.describe.skip(`${name} — SKIPPED: ${skip}`, fn);
