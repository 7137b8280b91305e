import { defineLibraryConfig } from '../../tsup.shared.js';

export default defineLibraryConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
});
