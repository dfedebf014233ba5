// The log budget for noise anyone can cause: lines over the budget are counted, not written, and
// the count is reported once the second is over, also when nothing comes after the burst.

import { LogBudget } from '../../../src/http/log-budget';
import type { Logger } from '../../../src/log/logger';

function recorder(): { log: Logger; lines: [string, string, unknown][] } {
  const lines: [string, string, unknown][] = [];
  const at = (level: string) => (fields: unknown, message: string) =>
    lines.push([level, message, fields]);
  const log = { debug: at('debug'), info: at('info'), warn: at('warn') } as unknown as Logger;
  return { log, lines };
}

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

it('writes up to the budget in a second, then reports how many it left out', () => {
  const { log, lines } = recorder();
  const budget = new LogBudget(3);
  for (let i = 0; i < 10; i++) budget.log(log, 'refused', { i });
  expect(lines.map(([level]) => level)).toEqual(['debug', 'debug', 'debug']);
  // Nothing else arrives: the report still comes when the second is over.
  jest.advanceTimersByTime(1000);
  expect(lines.at(-1)).toEqual([
    'info',
    'refused requests not logged (over the log budget)',
    { dropped: 7 },
  ]);
  expect(lines).toHaveLength(4);
});

it('starts a fresh budget every second and reports each second once', () => {
  const { log, lines } = recorder();
  const budget = new LogBudget(1);
  budget.log(log, 'a', {});
  budget.log(log, 'b', {});
  jest.advanceTimersByTime(1000);
  budget.log(log, 'c', {});
  jest.advanceTimersByTime(5000);
  expect(lines.map(([level, message]) => `${level} ${message}`)).toEqual([
    'debug a',
    'info refused requests not logged (over the log budget)',
    'debug c',
  ]);
});

it('writes at the level asked for', () => {
  const { log, lines } = recorder();
  new LogBudget(5).log(log, 'odd failure', { cause: 'x' }, 'warn');
  expect(lines).toEqual([['warn', 'odd failure', { cause: 'x' }]]);
});
