// Two projects: fast unit tests, and end-to-end tests against the real engine, registry and kernel.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }] }
const common = {
  testEnvironment: 'node',
  testEnvironmentOptions: { globalsCleanup: 'on' },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Removes the temporary folders each test file made (__tests__/helpers/tmp.ts).
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  transform
}

export default {
  testSequencer: '<rootDir>/__tests__/sequencer.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, '<rootDir>/__tests__/e2e/setup.ts']
    }
  ]
}
