import { defineProjectConfig } from '../../vitest.shared.js';

export default defineProjectConfig({ test: { include: ['test/**/*.test.js'] } });
