import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  LimitExceededException,
  ListStreamsCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { type FaultPlan, LocalKinesisError, startLocalKinesis } from '../../src/index.js';
import { clientFor, uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

const HANDLERS = ['http2', 'http1'] as const;

async function failure(promise: Promise<unknown>): Promise<{
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error) => error,
  );
}

describe('fault injection', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const client = (handler: (typeof HANDLERS)[number]): KinesisClient =>
    handler === 'http2' ? local.client : local.http1;

  async function stream(): Promise<string> {
    const name = uniqueStreamName('faults');
    await local.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    return name;
  }

  async function readAll(name: string): Promise<number> {
    const { ShardIterator } = await local.client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await local.client.send(new GetRecordsCommand({ ShardIterator }));
    return Records.length;
  }

  const put = (handler: (typeof HANDLERS)[number], name: string) =>
    client(handler).send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: new Uint8Array(1) }),
    );

  it('is off by default', () => {
    expect(local.kinesis.faults()).toEqual({
      plan: null,
      counters: {
        InternalFailure: 0,
        ServiceUnavailable: 0,
        Throttling: 0,
        dropped: 0,
        delayed: 0,
      },
    });
  });

  for (const handler of HANDLERS) {
    it(`answers an injected InternalFailure with 500 and stores nothing (${handler})`, async () => {
      const name = await stream();
      local.kinesis.setFaults({ seed: 1, rules: [{ operations: ['PutRecord'], errorRate: 1 }] });
      try {
        const error = await failure(put(handler, name));
        expect(error.name).toBe('InternalFailure');
        expect(error.$metadata?.httpStatusCode).toBe(500);
        expect(local.kinesis.faults().counters.InternalFailure).toBe(1);
      } finally {
        local.kinesis.setFaults(undefined);
      }
      expect(await readAll(name)).toBe(0);
    });

    it(`answers an injected ServiceUnavailable with 503 (${handler})`, async () => {
      const name = await stream();
      local.kinesis.setFaults({
        rules: [{ operations: ['PutRecord'], errorRate: 1, errorTypes: ['ServiceUnavailable'] }],
      });
      try {
        const error = await failure(put(handler, name));
        expect(error.name).toBe('ServiceUnavailable');
        expect(error.$metadata?.httpStatusCode).toBe(503);
      } finally {
        local.kinesis.setFaults(undefined);
      }
      expect(await readAll(name)).toBe(0);
    });

    it(`throttles data-plane calls with ProvisionedThroughputExceededException (${handler})`, async () => {
      const name = await stream();
      local.kinesis.setFaults({ rules: [{ errorRate: 1, errorTypes: ['Throttling'] }] });
      try {
        const error = await failure(put(handler, name));
        expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
        expect(error.$metadata?.httpStatusCode).toBe(400);
        expect(error.message).toBe(`Rate exceeded for stream ${name} under account 123456789012.`);
        const shard = await failure(
          client(handler).send(
            new GetShardIteratorCommand({
              StreamName: name,
              ShardId: 'shardId-000000000000',
              ShardIteratorType: 'LATEST',
            }),
          ),
        );
        expect(shard.message).toBe(
          `Rate exceeded for shard shardId-000000000000 in stream ${name} under account 123456789012.`,
        );
        const control = await failure(
          client(handler).send(new DescribeStreamSummaryCommand({ StreamName: name })),
        );
        expect(control).toBeInstanceOf(LimitExceededException);
        expect(control.message).toBe(
          `Rate exceeded for stream ${name} under account 123456789012.`,
        );
        expect(local.kinesis.faults().counters.Throttling).toBe(3);
      } finally {
        local.kinesis.setFaults(undefined);
      }
      expect(await readAll(name)).toBe(0);
    });

    it(`drops the connection unanswered and keeps serving (${handler})`, async () => {
      const name = await stream();
      local.kinesis.setFaults({ rules: [{ operations: ['PutRecord'], dropRate: 1 }] });
      try {
        const error = await failure(put(handler, name));
        expect(error.$metadata?.httpStatusCode).toBeUndefined();
        expect(local.kinesis.faults().counters.dropped).toBe(1);
        await client(handler).send(new ListStreamsCommand({}));
      } finally {
        local.kinesis.setFaults(undefined);
      }
      await put(handler, name);
      expect(await readAll(name)).toBe(1);
    });
  }

  it('leaves the operations a rule does not name untouched', async () => {
    const name = await stream();
    local.kinesis.setFaults({ rules: [{ operations: ['PutRecord'], errorRate: 1 }] });
    try {
      await local.client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      expect(await readAll(name)).toBe(0);
      expect(local.kinesis.faults().counters.InternalFailure).toBe(0);
    } finally {
      local.kinesis.setFaults(undefined);
    }
  });

  it('delays the answer by the configured latency', async () => {
    local.kinesis.setFaults({ rules: [{ operations: ['ListStreams'], latencyMs: 100 }] });
    try {
      const started = performance.now();
      await local.client.send(new ListStreamsCommand({}));
      expect(performance.now() - started).toBeGreaterThanOrEqual(99);
      expect(local.kinesis.faults().counters.delayed).toBe(1);
    } finally {
      local.kinesis.setFaults(undefined);
    }
  });

  it('refuses an invalid plan at start, naming the field and its range', async () => {
    const error = await startLocalKinesis({
      faults: { rules: [{ errorRate: 2 }] },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(LocalKinesisError);
    expect(error.code).toBe('InvalidOption');
    expect(error.message).toBe('faults.rules[0].errorRate must be a number from 0 to 1, got 2');
    expect(() =>
      local.kinesis.setFaults({ rules: [{ errorTypes: ['Boom' as 'Throttling'] }] }),
    ).toThrow(/faults\.rules\[0\]\.errorTypes must be a non-empty array of InternalFailure/);
  });
});

describe('fault reproducibility', () => {
  /** Outcomes of 40 PutRecords on a fresh endpoint with the plan. */
  async function outcomes(plan: FaultPlan): Promise<string[]> {
    const kinesis = await startLocalKinesis({
      limits: 'off',
      streams: [{ name: 'seeded', shardCount: 1 }],
      faults: plan,
    });
    const client = clientFor(kinesis.endpoint);
    try {
      const results: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        results.push(
          await client
            .send(
              new PutRecordCommand({
                StreamName: 'seeded',
                PartitionKey: 'k',
                Data: new Uint8Array(1),
              }),
            )
            .then(
              () => 'ok',
              (error: Error) => error.name,
            ),
        );
      }
      return results;
    } finally {
      client.destroy();
      await kinesis.close();
    }
  }

  const plan = (seed: number): FaultPlan => ({
    seed,
    rules: [
      { errorRate: 0.5, errorTypes: ['InternalFailure', 'ServiceUnavailable', 'Throttling'] },
    ],
  });

  it('gives the same faults for the same seed and request sequence, and others for another seed', async () => {
    const first = await outcomes(plan(42));
    const second = await outcomes(plan(42));
    const other = await outcomes(plan(43));
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(
      new Set([
        'ok',
        'InternalFailure',
        'ServiceUnavailable',
        'ProvisionedThroughputExceededException',
      ]),
    );
    expect(other).not.toEqual(first);
  });
});

describe('the faults admin API', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const url = () => `${local.kinesis.endpoint}/_kinesis-kit/faults`;

  async function call(method: string, body?: string) {
    const response = await fetch(url(), { method, ...(body === undefined ? {} : { body }) });
    expect(response.headers.get('content-type')).toBe('application/json');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('sets, reports and clears the plan, resetting the counters', async () => {
    const plan = { seed: 9, rules: [{ operations: ['ListStreams'], errorRate: 1 }] };
    expect(await call('PUT', JSON.stringify(plan))).toEqual({
      status: 200,
      body: {
        plan,
        counters: {
          InternalFailure: 0,
          ServiceUnavailable: 0,
          Throttling: 0,
          dropped: 0,
          delayed: 0,
        },
      },
    });
    const error = await failure(local.client.send(new ListStreamsCommand({})));
    expect(error.name).toBe('InternalFailure');
    const got = await call('GET');
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      plan,
      counters: {
        InternalFailure: 1,
        ServiceUnavailable: 0,
        Throttling: 0,
        dropped: 0,
        delayed: 0,
      },
    });
    expect(local.kinesis.faults()).toEqual(got.body);
    expect((await call('DELETE')).body.plan).toBeNull();
    await local.client.send(new ListStreamsCommand({}));
    expect((await call('GET')).body.plan).toBeNull();
  });

  it('refuses an invalid plan with 400 naming the field, and keeps the one in effect', async () => {
    await call('DELETE');
    expect(await call('PUT', '{"rules":[{"dropRate":-1}]}')).toEqual({
      status: 400,
      body: { message: 'faults.rules[0].dropRate must be a number from 0 to 1, got -1' },
    });
    expect((await call('PUT', '{"rules":[{"latencyMs":[5,1]}]}')).body.message).toContain(
      'faults.rules[0].latencyMs must be whole milliseconds',
    );
    expect((await call('PUT', '{"rules":[{"operations":["Nope"]}]}')).body.message).toContain(
      'faults.rules[0].operations must be an array of AWS operation names',
    );
    expect((await call('PUT', 'not json')).status).toBe(400);
    expect((await call('PATCH')).status).toBe(405);
    expect((await call('GET')).body.plan).toBeNull();
  });
});
