/**
 * What exactly was measured, for the result file: the repository's commit and, for each measured
 * package, its build (when it was made; for the producer, a digest), the uncommitted source
 * changes it includes, and the sources changed since (packages change between runs, and a build
 * can lag its sources).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The packages whose code is measured, and the build file of each. */
const MEASURED = [
  { dir: 'packages/producer', build: 'dist/index.js' },
  { dir: 'packages/records', build: 'dist/index.js' },
  { dir: 'packages/local', build: 'dist/cli.js' },
];

/**
 * @param {string[]} args
 * @returns {string | undefined} git's output, or undefined without git or a repository
 */
function git(args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }).trimEnd();
  } catch {
    return undefined;
  }
}

/**
 * Every file under `dir`, recursively.
 * @param {string} dir
 * @returns {string[]}
 */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * @typedef {{ package: string, built: string, sha256: string,
 *   uncommittedInBuild: string[], sourcesChangedSinceBuild: string[] }} Build
 * @typedef {{ commit: string | undefined, builds: Build[] }} Provenance
 */

/**
 * Reads what this run measures (call it before measuring).
 * @returns {Provenance}
 */
export function describeMeasured() {
  const changed = (git(['status', '--porcelain', '--', ...MEASURED.map((m) => m.dir)]) ?? '')
    .split('\n')
    .filter((line) => line.length > 3)
    .map((line) => line.slice(3));
  const builds = MEASURED.map(({ dir, build }) => {
    const buildPath = join(ROOT, dir, build);
    const builtMs = statSync(buildPath).mtimeMs;
    const sources = filesUnder(join(ROOT, dir, 'src'));
    const newer = (/** @type {string} */ path) => statSync(path).mtimeMs > builtMs;
    return {
      package: dir,
      built: new Date(builtMs).toISOString(),
      sha256: createHash('sha256').update(readFileSync(buildPath)).digest('hex').slice(0, 16),
      uncommittedInBuild: changed.filter(
        (path) => path.startsWith(`${dir}/src/`) && !newer(join(ROOT, path)),
      ),
      sourcesChangedSinceBuild: sources.filter(newer).map((path) => path.slice(ROOT.length)),
    };
  });
  return { commit: git(['rev-parse', '--short=12', 'HEAD']), builds };
}
