/**
 * Slow clients (issue 15, item 5): the local API Gateway drops a request whose body is not
 * complete within its body timeout (10 s by default; 300 ms here) with 408 and closes the
 * connection, instead of holding the socket and a handler slot for as long as the client likes.
 * A client that trickles the body is cut off at the same deadline as one that stops.
 */
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiServer,
  DEFAULT_BODY_TIMEOUT_MS,
  type LambdaHandler,
} from '../../lambdas/local/http-adapter.js';
import { cognitoLocalJwks } from '../../lambdas/local/jwt.js';
import { stub } from './support/stub-route.js';

const BODY_TIMEOUT_MS = 300;
let server: Server;
let port: number;
let handled = 0;

const echo: LambdaHandler = async (event) => {
  handled += 1;
  return { statusCode: 200, body: JSON.stringify({ length: (event.body ?? '').length }) };
};

beforeAll(async () => {
  server = createApiServer({
    routes: [stub('Upload', 'POST', '/v1/upload', 'unused.ts', [])],
    loadHandler: async () => echo,
    auth: { issuer: 'http://localhost:1/none', jwks: cognitoLocalJwks(), allowedClientIds: [] },
    quiet: true,
    bodyTimeoutMs: BODY_TIMEOUT_MS,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/**
 * Sends the headers of a 100-byte body and `sent` of its bytes (one every `trickleMs` when
 * set), and collects what the server answers until it closes the connection.
 */
function slowUpload(sent: number, trickleMs?: number): Promise<{ text: string; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let trickle: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(
        'POST /v1/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
      );
      if (trickleMs === undefined) {
        socket.write('x'.repeat(sent));
        return;
      }
      let written = 0;
      trickle = setInterval(() => {
        if (written < sent) socket.write('x');
        written += 1;
      }, trickleMs);
    });
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('close', () => {
      clearInterval(trickle);
      resolve({ text, elapsedMs: performance.now() - started });
    });
    socket.on('error', (error) => {
      clearInterval(trickle);
      reject(error);
    });
    // A server without a body timeout would keep the socket open: fail instead of hanging.
    setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5_000).unref();
  });
}

describe('the local API Gateway and a body that does not arrive', () => {
  it('answers 408 and closes the connection when half the body came and the rest does not', async () => {
    const { text, elapsedMs } = await slowUpload(50);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ statusCode: 408, errors: [] });
    expect(typeof body.requestId).toBe('string');
    expect(elapsedMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 20);
    expect(handled).toBe(0);
  });

  it('cuts a trickling client off at the same deadline', async () => {
    const { text } = await slowUpload(100, 50);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(handled).toBe(0);
  });

  it('still serves a body that arrives in time', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ length: 7 });
  });

  it('gives a body 10 seconds by default', () => {
    expect(DEFAULT_BODY_TIMEOUT_MS).toBe(10_000);
  });
});
