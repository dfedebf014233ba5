// A log line budget for noise anyone can cause (unauthenticated failures, hang-ups): at most
// `perSecond` lines, then one line saying how many were left out. Anonymous clients cannot fill
// the log, and an operator who turns on debug logging still sees that it is happening.

import type { Logger } from '../log/logger';

export class LogBudget {
  private second = 0;
  private used = 0;
  private dropped = 0;

  constructor(private readonly perSecond: number) {}

  log(log: Logger, message: string, fields: Record<string, unknown>): void {
    const now = Math.floor(Date.now() / 1000);
    if (now !== this.second) {
      if (this.dropped > 0)
        log.info({ dropped: this.dropped }, 'refused requests not logged (over the log budget)');
      this.second = now;
      this.used = 0;
      this.dropped = 0;
    }
    if (this.used >= this.perSecond) {
      this.dropped++;
      return;
    }
    this.used++;
    log.debug(fields, message);
  }
}
