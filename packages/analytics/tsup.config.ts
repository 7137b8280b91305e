import { defineLibraryConfig } from '../../tsup.shared.js';

export default defineLibraryConfig();
