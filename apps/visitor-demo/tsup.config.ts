import { defineLibraryConfig } from '../../tsup.shared.js';

export default defineLibraryConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  // An app: it runs as ESM (`node dist/cli.js`); the CLI finds its data dir from import.meta.url.
  format: ['esm'],
});
