import { afterEach, expect, it } from 'vitest';
import { runReadmeExample } from '../../../../tools/testing/readme-example.js';
import { decode, useFirehoseServer } from './support/helpers.js';

const packageDir = new URL('../../', import.meta.url);
const context = useFirehoseServer();
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

it('runs the README FirehoseProducer example against a Firehose endpoint', async () => {
  const { server } = context;
  server.deliveryStreams.add('clicks');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_FIREHOSE: server.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  const { source, printed, expected } = await runReadmeExample(
    packageDir,
    '@kinesis-kit/producer',
    'FirehoseProducer',
  );
  expect(source).toContain('new FirehoseProducer');
  expect(expected.length).toBeGreaterThan(0);
  expect(printed).toEqual(expected);
  const lines = server.storedData('clicks').flatMap((data) => decode(data).split('\n'));
  expect(lines).toHaveLength(1001);
  expect(lines[0]).toBe('{"click":0}');
});
