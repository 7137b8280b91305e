import { defineConfig, type Options } from 'tsup';

/**
 * The build every publishable package shares: ESM + CJS + type declarations for Node 20, from
 * `src/index.ts` unless more entries are given (a CLI, for example).
 */
export function defineLibraryConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  });
}
