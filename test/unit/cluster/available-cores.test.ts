// `workers: auto` counts the cores this process may use: a cgroup v2 CPU quota (a container's
// limit) lowers the machine's CPU count; no quota, or an unreadable one, leaves it.

import { availableParallelism } from 'node:os';
import { availableCores, workerCount } from '../../../src/cluster/primary';

const cpus = availableParallelism();

it('takes the machine count without a quota', () => {
  expect(availableCores(() => 'max 100000\n')).toBe(cpus);
  expect(availableCores(() => null)).toBe(cpus);
  expect(availableCores(() => 'garbage')).toBe(cpus);
});

it('rounds a quota up to whole cores, never above the machine count', () => {
  expect(availableCores(() => '100000 100000\n')).toBe(1);
  expect(availableCores(() => '150000 100000\n')).toBe(Math.min(cpus, 2));
  expect(availableCores(() => `${(cpus + 8) * 100000} 100000\n`)).toBe(cpus);
});

it('turns auto into that count and keeps an explicit one', () => {
  expect(workerCount('auto', 3)).toBe(3);
  expect(workerCount('auto', 0)).toBe(1);
  expect(workerCount(5, 2)).toBe(5);
});
