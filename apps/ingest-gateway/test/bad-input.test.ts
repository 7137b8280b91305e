import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestGateway, type IngestGateway } from '../src/index.js';
import { BAD_VISITS } from './support/bad-visits.js';
import { ndjson, post, postJson, rawExchange, visit } from './support/http.js';
import { createStream, readStream, useLocalKinesis } from './support/local.js';

const BODY_LIMIT = 64 * 1024;

describe('POST /v1/visits refuses bad input', () => {
  const local = useLocalKinesis();
  let gateway: IngestGateway;
  let streamName: string;

  beforeAll(async () => {
    streamName = await createStream(local.client, 1);
    gateway = await createIngestGateway({
      streamName,
      client: local.client,
      port: 0,
      bodyLimitBytes: BODY_LIMIT,
      maxVisitsPerRequest: 3,
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  for (const [name, overrides, field, rule] of BAD_VISITS) {
    it(`answers 400 naming ${field} and rule ${rule} for a ${name}, refusing the whole batch`, async () => {
      const answer = await postJson(gateway.url, [visit(), visit(overrides)]);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'InvalidVisits', retriable: false });
      expect(answer.body.issues[0]).toMatchObject({ index: 1, field, rule });
      expect(answer.body.message).toMatch(/the whole batch was refused$/);
      expect(answer.body.message.startsWith(`visits[1]: ${field} `)).toBe(true);
    });
  }

  it('names the NDJSON line of an invalid visit, counting blank lines', async () => {
    const body = `${ndjson([visit()])}\n\n${ndjson([visit({ country: 'Germany' })])}\n`;
    const answer = await post(gateway.url, body, { contentType: 'application/x-ndjson' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues[0]).toMatchObject({
      index: 1,
      line: 3,
      field: 'country',
      rule: 'country',
    });
    expect(answer.body.message.startsWith('line 3: country must be')).toBe(true);
  });

  it('names the NDJSON line that is not JSON', async () => {
    const body = `${ndjson([visit()])}\n{"visitId": oops}\n${ndjson([visit()])}`;
    const answer = await post(gateway.url, body, { contentType: 'application/x-ndjson' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues[0]).toMatchObject({ line: 2, rule: 'json-syntax' });
    expect(answer.body.message.startsWith('line 2: not valid JSON')).toBe(true);
  });

  it('refuses an NDJSON line holding an array: one visit per line', async () => {
    const body = ndjson([visit(), [visit()]]);
    const answer = await post(gateway.url, body, { contentType: 'application/x-ndjson' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues[0]).toMatchObject({ index: 1, line: 2, rule: 'object' });
  });

  const bodies: [string, string | Uint8Array, string, string][] = [
    ['a JSON syntax error', '[{"visitId": "v1",]', 'application/json', 'json-syntax'],
    ['an empty body', '', 'application/json', 'empty'],
    ['a body of blanks', ' \n\t ', 'application/json', 'empty'],
    ['an empty array', '[]', 'application/json', 'empty'],
    ['a JSON string', '"visit"', 'application/json', 'object'],
    ['blank NDJSON lines only', '\n\n\r\n', 'application/x-ndjson', 'empty'],
    [
      'bytes that are not UTF-8',
      new Uint8Array([0x5b, 0xff, 0xfe, 0x5d]),
      'application/json',
      'utf-8',
    ],
    [
      'more visits than maxVisitsPerRequest',
      JSON.stringify([visit(), visit(), visit(), visit()]),
      'application/json',
      'max-visits',
    ],
    [
      'more NDJSON lines than maxVisitsPerRequest',
      ndjson([visit(), visit(), visit(), visit()]),
      'application/x-ndjson',
      'max-visits',
    ],
  ];
  for (const [name, body, contentType, rule] of bodies) {
    it(`answers 400 with rule ${rule} for ${name}`, async () => {
      const answer = await post(gateway.url, body, { contentType });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'InvalidVisits', issues: [{ rule }] });
      expect(typeof answer.body.message).toBe('string');
    });
  }

  it('answers 400 for an unknown value of ?wait', async () => {
    const answer = await post(`${gateway.url}`, JSON.stringify(visit()), {
      path: '/v1/visits?wait=forever',
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'InvalidQuery' });
  });

  for (const contentType of [
    'text/plain',
    'application/xml',
    'application/json; charset=latin1',
    null,
  ]) {
    it(`answers 415 for Content-Type ${String(contentType)}`, async () => {
      const answer = await post(gateway.url, JSON.stringify(visit()), { contentType });
      expect(answer.status).toBe(415);
      expect(answer.body).toMatchObject({ error: 'UnsupportedMediaType', retriable: false });
    });
  }

  it('takes application/json with a UTF-8 charset and NDJSON under application/ndjson', async () => {
    const json = await post(gateway.url, JSON.stringify(visit()), {
      contentType: 'Application/JSON; charset=UTF-8',
    });
    expect(json.status).toBe(202);
    const lines = await post(gateway.url, ndjson([visit()]), { contentType: 'application/ndjson' });
    expect(lines.status).toBe(202);
  });

  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    const missing = await post(gateway.url, '{}', { path: '/v2/visits' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'NotFound' });
    const get = await fetch(`${gateway.url}/v1/visits`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const remove = await fetch(`${gateway.url}/healthz`, { method: 'DELETE' });
    expect(remove.status).toBe(405);
    expect(remove.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 413 to a declared Content-Length over the limit before any body is sent', async () => {
    const head =
      'POST /v1/visits HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${100 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n`;
    const { answer, bytesWritten } = await rawExchange(gateway.port, head, []);
    expect(answer.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(answer).not.toContain('100 Continue');
    expect(answer).toMatch(/connection: close/i);
    expect(bytesWritten).toBe(0);
  });

  it('answers 413 to a chunked body as soon as it passes the limit, and closes the connection', async () => {
    const head =
      'POST /v1/visits HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n';
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const frame = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ]);
    const endless = function* () {
      // 64 MiB unless the server answers first: it must not wait for the end.
      for (let i = 0; i < 4096; i++) yield frame;
    };
    const { answer, bytesWritten, closed } = await rawExchange(gateway.port, head, endless());
    expect(answer.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(answer).toContain(`the limit of ${BODY_LIMIT} bytes`);
    expect(closed).toBe(true);
    expect(bytesWritten).toBeLessThan(16 * 1024 * 1024);
  });

  it('answers arbitrary non-visit JSON with 400 InvalidVisits, never a server error (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc
            .array(
              fc.dictionary(fc.constantFrom('visitId', 'url', 'country', 'x'), fc.jsonValue()),
              {
                maxLength: 3,
              },
            )
            .map((value) => JSON.stringify(value)),
        ),
        async (body) => {
          const answer = await post(gateway.url, body);
          expect(answer.status).toBe(400);
          expect(answer.body.error).toBe('InvalidVisits');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stored none of the visits of refused batches', async () => {
    // Only the two visits of the content-type test were accepted.
    expect(gateway.metrics().visits.accepted).toBe(2);
    await gateway.producer.flush();
    const stored = await readStream(local.client, streamName);
    expect(stored).toHaveLength(2);
    const byStatus = gateway.metrics().requests.byStatus;
    expect(byStatus['400']).toBe(BAD_VISITS.length + 3 + bodies.length + 1 + 60);
    expect(byStatus['415']).toBe(4);
    expect(byStatus['413']).toBe(2);
  });
});
