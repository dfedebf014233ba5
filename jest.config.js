// Six jest projects: unit (no token), integration (in-process app on a throwaway SoftHSM
// token), integrations (the docs/integrations.md recipes, using the third-party libraries of the
// separate test/integrations npm project, on the same kind of token), e2e (the built daemon as a
// child process, driven by the AWS SDK, the AWS CLI, openssl), docs (the built docs site in
// Debian's Chromium against the built daemon; its setup builds the site when its sources
// changed), container (the deploy/Dockerfile image run with testcontainers; skipped, with the
// reason, when no Docker engine can be reached, unless QKMS_REQUIRE_DOCKER=1).
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform: tsJest,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform: tsJest,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      displayName: 'integrations',
      testMatch: ['<rootDir>/test/integrations/**/*.test.ts'],
      // jose 6 and @solana/keychain-* ship only ES modules, which jest's CommonJS runtime cannot
      // load: ts-jest compiles those packages (and only those) to CommonJS as they are required.
      transform: {
        ...tsJest,
        '^.+\\.js$': [
          'ts-jest',
          {
            tsconfig: {
              allowJs: true,
              isolatedModules: true,
              module: 'commonjs',
              target: 'ES2022',
            },
          },
        ],
      },
      // @solana/keychain-* export nothing under the "require" condition jest resolves with; the
      // package folder resolves through its "main" field instead.
      moduleNameMapper: {
        '^@solana/keychain-(core|aws-kms)$':
          '<rootDir>/test/integrations/node_modules/@solana/keychain-$1',
      },
      transformIgnorePatterns: [
        '/node_modules/(?!(jose|@solana/keychain-core|@solana/keychain-aws-kms)/)',
      ],
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      transform: tsJest,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      displayName: 'docs',
      testMatch: ['<rootDir>/test/docs/**/*.test.ts'],
      transform: tsJest,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/docs/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      displayName: 'container',
      testMatch: ['<rootDir>/test/container/**/*.test.ts'],
      transform: tsJest,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/container/global-setup.ts',
    },
  ],
};
