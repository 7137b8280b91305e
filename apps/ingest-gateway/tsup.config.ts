import { defineLibraryConfig } from '../../tsup.shared.js';

export default defineLibraryConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  // A devDependency, loaded by the CLI only when it runs without AWS: never bundle it.
  external: ['@kinesis-kit/local'],
});
