// The KmsError a synchronous call throws, as name, message and status (unit tests).

import { KmsError } from '../../src/errors/kms-error';

export function thrownKmsError(run: () => unknown): {
  name: string;
  message: string;
  status: number;
} {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(KmsError);
    const e = err as KmsError;
    return { name: e.name, message: e.message, status: e.status };
  }
  throw new Error('expected a KmsError');
}
