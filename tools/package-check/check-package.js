#!/usr/bin/env node
// Checks a publishable package as npm users will get it: the manifest rules every kinesis-kit
// package follows, publint's lint of the package, and arethetypeswrong on the packed tarball
// (types and JavaScript resolve alike under node10, node16 CJS/ESM and bundlers).
// Usage: kinesis-kit-check-package [package-dir]   (default: the current directory)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const dir = resolve(process.argv[2] ?? '.');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const problems = [];

const folder = dir.split('/').at(-1);
const expect = (ok, message) => {
  if (!ok) problems.push(message);
};
expect(pkg.name === `@kinesis-kit/${folder}`, `name must be @kinesis-kit/${folder}`);
expect(pkg.private !== true, 'a publishable package must not be private');
expect(pkg.sideEffects === false, 'sideEffects must be false');
expect(JSON.stringify(pkg.files) === '["dist"]', 'files must be ["dist"]');
expect(pkg.engines?.node === '>=20.19', 'engines.node must be ">=20.19"');
expect(typeof pkg.license === 'string', 'license must be set');
const root = pkg.exports?.['.'];
for (const condition of ['import', 'require']) {
  const entry = root?.[condition];
  expect(
    entry && Object.keys(entry)[0] === 'types',
    `exports["."].${condition} must list "types" first`,
  );
}

const { messages } = await publint({ pkgDir: dir, level: 'suggestion', strict: true });
for (const message of messages) {
  problems.push(`publint ${message.type}: ${formatMessage(message, pkg) ?? message.code}`);
}

const require = createRequire(import.meta.url);
const attwBin = join(
  dirname(require.resolve('@arethetypeswrong/cli/package.json')),
  'dist/index.js',
);
try {
  const report = execFileSync(process.execPath, [attwBin, '--pack', dir, '--format', 'table'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.stdout.write(report);
} catch (error) {
  problems.push(`arethetypeswrong:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
}

if (problems.length > 0) {
  console.error(`${pkg.name}: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`${pkg.name}: package check passed (manifest, publint, arethetypeswrong)`);
