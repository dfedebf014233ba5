// Admission control: the in-flight cap and the per-principal token buckets, on a fake clock.

import { Admission, Throttled } from '../../../src/http/admission';
import { thrownKmsError } from '../../support/thrown';

function clock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

/** Rate limits only (a generous in-flight cap), on a fake clock. */
function limiter(requestsPerSecond: number, burst: number) {
  const c = clock();
  return { c, admission: new Admission({ maxInFlight: 10, requestsPerSecond, burst, now: c.now }) };
}

describe('in-flight cap', () => {
  it('refuses past the cap with ThrottlingException and admits again after a leave', () => {
    const admission = new Admission({ maxInFlight: 2, requestsPerSecond: 0, burst: 0 });
    admission.enter();
    admission.enter();
    expect(admission.inFlight).toBe(2);
    const refused = thrownKmsError(() => admission.enter());
    expect(refused.name).toBe('ThrottlingException');
    expect(refused.status).toBe(400);
    expect(admission.inFlight).toBe(2);
    admission.leave();
    expect(() => admission.enter()).not.toThrow();
  });

  it('says why it refused', () => {
    const admission = new Admission({ maxInFlight: 1, requestsPerSecond: 0, burst: 0 });
    admission.enter();
    let caught: unknown;
    try {
      admission.enter();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Throttled);
    expect((caught as Throttled).reason).toBe('in_flight');
  });
});

describe('per-principal rate limit', () => {
  it('is off at 0 requests per second', () => {
    const admission = new Admission({ maxInFlight: 10, requestsPerSecond: 0, burst: 0 });
    for (let i = 0; i < 10_000; i++) admission.charge('alice');
  });

  it('lets a burst through, then refills at the configured rate', () => {
    const { c, admission } = limiter(10, 3);
    for (let i = 0; i < 3; i++) admission.charge('alice');
    const refused = thrownKmsError(() => admission.charge('alice'));
    expect(refused.name).toBe('ThrottlingException');
    c.advance(99); // 0.99 of a token
    expect(thrownKmsError(() => admission.charge('alice')).name).toBe('ThrottlingException');
    c.advance(1);
    admission.charge('alice');
    expect(thrownKmsError(() => admission.charge('alice')).name).toBe('ThrottlingException');
    c.advance(10_000); // refills up to the burst, no further
    for (let i = 0; i < 3; i++) admission.charge('alice');
    expect(thrownKmsError(() => admission.charge('alice')).name).toBe('ThrottlingException');
  });

  it('keeps one bucket per principal', () => {
    const { admission } = limiter(1, 1);
    admission.charge('alice');
    expect(thrownKmsError(() => admission.charge('alice')).name).toBe('ThrottlingException');
    admission.charge('bob');
  });

  it('defaults the burst to one second of the rate', () => {
    const { admission } = limiter(5, 0);
    for (let i = 0; i < 5; i++) admission.charge('alice');
    expect(thrownKmsError(() => admission.charge('alice')).name).toBe('ThrottlingException');
  });

  it('forgets principals idle for a minute (a full bucket either way)', () => {
    const { c, admission } = limiter(1, 1);
    for (let i = 0; i < 1000; i++) admission.charge(`p${i}`);
    c.advance(120_000);
    admission.charge('p0');
    expect(thrownKmsError(() => admission.charge('p0')).name).toBe('ThrottlingException');
  });
});
