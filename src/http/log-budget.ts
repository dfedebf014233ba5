// A log line budget for noise anyone can cause (unauthenticated failures, hang-ups): at most
// `perSecond` lines a second, then one line, once the second is over, saying how many were left
// out. Anonymous clients cannot fill the log, and an operator still sees that it is happening.

import type { Logger } from '../log/logger';

export type BudgetLevel = 'debug' | 'warn';

export class LogBudget {
  private second = 0;
  private used = 0;
  private dropped = 0;
  private summary: NodeJS.Timeout | null = null;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  log(
    log: Logger,
    message: string,
    fields: Record<string, unknown>,
    level: BudgetLevel = 'debug',
  ): void {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.report(log);
      this.second = second;
      this.used = 0;
    }
    if (this.used >= this.perSecond) {
      this.dropped++;
      // Reported when the second is over, also if nothing comes after the burst.
      this.summary ??= setTimeout(() => this.report(log), 1000 - (this.now() % 1000)).unref();
      return;
    }
    this.used++;
    log[level](fields, message);
  }

  private report(log: Logger): void {
    if (this.summary) clearTimeout(this.summary);
    this.summary = null;
    if (this.dropped === 0) return;
    log.info({ dropped: this.dropped }, 'refused requests not logged (over the log budget)');
    this.dropped = 0;
  }
}
