import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The test settings every project shares: tests live in `test/`, and each run writes a JSON
 * report to `test-results/vitest.json`, which `.ci/run` adds up into its closing line.
 */
export function defineProjectConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  return mergeConfig(
    defineConfig({
      test: {
        include: ['test/**/*.test.ts'],
        reporters: ['default', 'json'],
        outputFile: { json: 'test-results/vitest.json' },
      },
    }),
    overrides,
  );
}
