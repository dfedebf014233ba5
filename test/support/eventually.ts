// Waits for a condition another process makes true (e.g. a replica's metadata refresh).
// This is a bounded wait, not a timing assertion: the test asserts the outcome, never the time.

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  limitMs: number,
): Promise<T | undefined> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}
