#!/usr/bin/env node
// Adds up the JSON reports every project's vitest run writes to test-results/vitest.json and
// prints CI's closing line: `tests: N passed, N failed`. A suite that failed to load (a syntax
// error, a missing import) counts as one failure, so a broken file can never pass unseen.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
for (const group of ['packages', 'apps', 'benchmarks', 'tools']) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const project of readdirSync(groupDir)) {
    const report = join(groupDir, project, 'test-results', 'vitest.json');
    if (!existsSync(report)) continue;
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    for (const suite of result.testResults ?? []) {
      if (suite.status === 'failed' && suite.assertionResults.length === 0) failed += 1;
    }
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
