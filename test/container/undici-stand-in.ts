// testcontainers 12 depends on undici 8, which needs Node >= 22.19 and throws as soon as it is
// loaded on Node 20 (QKMS's runtime). testcontainers uses undici only in Wait.forHttp, which
// this suite does not use. This stand-in takes undici's place (jest's moduleNameMapper for the
// test files, require.cache for the global setup) and fails loudly if anything calls it.
// Remove it once package.json pins a testcontainers that supports Node 20 (11.x uses undici 7).

import { dirname } from 'node:path';

function unavailable(): never {
  throw new Error(
    'undici is replaced in the container suite (Node 20): use a log wait, not Wait.forHttp',
  );
}

export class Agent {
  constructor() {
    unavailable();
  }
}

export function request(): never {
  return unavailable();
}

/** Outside jest's module registry (the global setup): answer require('undici') with this file. */
export function installUndiciStandIn(): void {
  const undici = require.resolve('undici', { paths: [dirname(require.resolve('testcontainers'))] });
  require.cache[undici] = {
    id: undici,
    filename: undici,
    loaded: true,
    exports: { Agent, request },
  } as unknown as NodeJS.Module;
}
