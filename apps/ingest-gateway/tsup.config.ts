import { defineLibraryConfig } from '../../tsup.shared.js';

export default defineLibraryConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  // Loaded by the CLI only when it runs without AWS (a dynamic import): never bundle it.
  external: ['@kinesis-kit/local'],
});
