import { once } from 'node:events';
import { connect as connectHttp2 } from 'node:http2';
import { connect } from 'node:net';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { useLocalKinesis } from '../support/local-kinesis.js';

describe('connection hygiene', () => {
  const local = useLocalKinesis({ headersTimeoutMs: 300, idleTimeoutMs: 600 });

  function open() {
    const socket = connect(local.kinesis.port, '127.0.0.1');
    // Read whatever the server sends, so that its closing FIN is seen.
    socket.resume();
    const closed = once(socket, 'close');
    return { socket, closed };
  }

  it('closes a connection that never sends a byte', async () => {
    const { closed } = open();
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('closes a connection that stops in the middle of its headers', async () => {
    const { socket, closed } = open();
    socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
    await closed;
  });

  it('closes an HTTP/2 connection that stalls after its preface, and keeps serving others', async () => {
    const { socket, closed } = open();
    socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    await closed;
    const { StreamNames } = await local.client.send(new ListStreamsCommand({}));
    expect(StreamNames).toEqual([]);
  });

  it('closes an idle HTTP/2 connection, but not one with a stream open', async () => {
    const idle = connectHttp2(local.kinesis.endpoint);
    const idleClosed = once(idle, 'close');
    const busy = connectHttp2(local.kinesis.endpoint);
    let busyClosed = false;
    busy.once('close', () => {
      busyClosed = true;
    });
    // A request whose body never ends keeps its stream open past the idle time.
    const stream = busy.request({ ':method': 'POST', ':path': '/' });
    stream.on('error', () => {});
    stream.write('{');
    const started = Date.now();
    await idleClosed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(busyClosed).toBe(false);
    stream.close();
    busy.close();
  });
});
