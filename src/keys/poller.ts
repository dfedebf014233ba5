// Runs a check every `intervalMs`, each round starting after the previous one finished, so a
// slow token never stacks rounds up. Failures are reported and the next round runs as usual.

export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running = true;

  constructor(
    private readonly intervalMs: number,
    private readonly round: () => Promise<void>,
    private readonly failed: (err: unknown) => void,
  ) {
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.round()
        .catch((err: unknown) => this.failed(err))
        .finally(() => {
          if (this.running) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
