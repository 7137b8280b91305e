/**
 * The subjects: each a local Kinesis endpoint run as its own child process (so that it does not
 * share an event loop with the client), with the client it is measured through.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { makeTempDir } from './cleanup.js';
import { freePort } from './ports.js';

/**
 * @typedef {import('./client.js').Transport} Transport
 * @typedef {{ args: string[], env?: Record<string, string>, endpoint?: string,
 *   readyLine?: RegExp }} Launch how to start the server: `node ...args`; it is ready when it
 *   prints `readyLine` (whose first group is the endpoint), or else when `endpoint` answers
 *   ListStreams
 * @typedef {object} Subject
 * @property {string} name
 * @property {string} library the package and version
 * @property {string} storage where the server keeps records
 * @property {Transport} transport the client's HTTP version
 * @property {number} readScale share of the read scenario's records this subject is loaded with
 * @property {number} startTimeoutMs how long it may take to be ready
 * @property {boolean} optionalInQuick whether a --quick run goes on without it when it is slow
 *   to start (a run that requires it fails instead)
 * @property {() => Promise<Launch>} launch
 */

const require = createRequire(import.meta.url);

/**
 * The directory and version of an installed package.
 * @param {string} name
 */
function installed(name) {
  const manifest = require.resolve(`${name}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  return { dir: dirname(manifest), version: String(version) };
}

const ours = installed('@kinesis-kit/local');
const kinesalite = installed('kinesalite');
const kinesisLocal = installed('kinesis-local');

/** Our CLI, built by tsup into the package's dist folder. */
function ourCli() {
  const cli = join(ours.dir, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    throw new Error(
      `${cli} is missing: build @kinesis-kit/local first (npx nx build @kinesis-kit/local)`,
    );
  }
  return cli;
}

/** Our CLI prints this on stdout once it listens. */
const OUR_READY_LINE = /^kinesis-kit-local listening on (http:\/\/\S+)$/;

/**
 * kinesis-kit-local, limits off, in memory or with a data directory.
 * @param {string} name
 * @param {Transport} transport
 * @param {'always' | 'never'} [fsync] durable with this fsync policy; in memory without
 * @returns {Subject}
 */
function kinesisKit(name, transport, fsync) {
  return {
    name,
    library: `@kinesis-kit/local@${ours.version}`,
    storage: fsync ? `data dir, fsync ${fsync}` : 'memory',
    transport,
    readScale: 1,
    startTimeoutMs: 15_000,
    optionalInQuick: false,
    launch: async () => {
      const durable = fsync
        ? ['--data-dir', makeTempDir('kinesis-kit-bench-'), '--fsync', fsync]
        : [];
      return {
        args: [ourCli(), '--port', '0', '--limits', 'off', ...durable],
        readyLine: OUR_READY_LINE,
      };
    },
  };
}

/**
 * kinesalite in memory (its default), with no delays on stream state changes and room for
 * more than its default 10 shards.
 * @type {Subject}
 */
const kinesaliteSubject = {
  name: 'kinesalite',
  library: `kinesalite@${kinesalite.version}`,
  storage: 'memory',
  transport: 'http/1.1',
  readScale: 1,
  startTimeoutMs: 15_000,
  optionalInQuick: false,
  launch: async () => {
    // kinesalite cannot pick a free port itself (--port 0 means its default, 4567).
    const port = await freePort();
    const zero = ['--createStreamMs', '0', '--deleteStreamMs', '0', '--updateStreamMs', '0'];
    return {
      args: [
        join(kinesalite.dir, 'cli.js'),
        '--port',
        String(port),
        ...zero,
        '--shardLimit',
        '1000',
      ],
      endpoint: `http://127.0.0.1:${port}`,
    };
  },
};

/**
 * kinesis-local (kinesis-mock's Scala.js build) on its plain-HTTP port, in memory (its default),
 * with no delays on stream state changes. About ten times slower than kinesalite here, so it is
 * loaded with a tenth of the read scenario's records.
 * @type {Subject}
 */
const kinesisLocalSubject = {
  name: 'kinesis-local',
  library: `kinesis-local@${kinesisLocal.version}`,
  storage: 'memory',
  transport: 'http/1.1',
  readScale: 0.1,
  startTimeoutMs: 60_000,
  optionalInQuick: true,
  launch: async () => {
    const plainPort = await freePort();
    const tlsPort = await freePort();
    return {
      args: [join(kinesisLocal.dir, 'main.js')],
      env: {
        KINESIS_MOCK_PLAIN_PORT: String(plainPort),
        KINESIS_MOCK_TLS_PORT: String(tlsPort),
        // Relative to the working directory by default: it would not start from anywhere else.
        KINESIS_MOCK_CERT_PATH: join(kinesisLocal.dir, 'server.json'),
        CREATE_STREAM_DURATION: '0ms',
        DELETE_STREAM_DURATION: '0ms',
        SHARD_LIMIT: '1000',
        LOG_LEVEL: 'WARN',
        SHOULD_PERSIST_DATA: 'false',
      },
      endpoint: `http://127.0.0.1:${plainPort}`,
    };
  },
};

/**
 * Every subject, ours first; the ratios compare each with kinesalite.
 * @type {Subject[]}
 */
export const SUBJECTS = [
  kinesisKit('kinesis-kit', 'http/1.1'),
  kinesisKit('kinesis-kit (http2)', 'h2'),
  kinesisKit('kinesis-kit-durable', 'http/1.1', 'always'),
  kinesisKit('kinesis-kit-durable (fsync never)', 'http/1.1', 'never'),
  kinesaliteSubject,
  kinesisLocalSubject,
];

/** The subject the ratios compare with. */
export const BASELINE = 'kinesalite';

/** The subject the goal applies to. */
export const OURS = 'kinesis-kit';
