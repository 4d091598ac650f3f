import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleJson } from '../../src/cloud/google-http.js';

let server: Server;
let base: string;
const none = { headers: async () => ({}) };

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/html') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>a captive portal</html>');
    } else if (request.url === '/cut') {
      // Headers, part of a body, then the connection goes.
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"items": [');
      setTimeout(() => response.socket?.destroy(), 50);
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok": true}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a JSON answer from a Google API', () => {
  it('is parsed', async () => {
    expect(await googleJson('Compute', `${base}/json`, {}, none)).toEqual({ ok: true });
  });

  it('that is not JSON is an error naming the endpoint and what came back', async () => {
    await expect(googleJson('Compute', `${base}/html`, {}, none)).rejects.toThrow(
      `cannot reach ${base}: the answer is not JSON: <html>a captive portal</html>`,
    );
  });

  it('cut short is an error naming the endpoint, not a stack trace', async () => {
    await expect(googleJson('Compute', `${base}/cut`, {}, none)).rejects.toThrow(
      new RegExp(`^Compute API: cannot reach ${base}: the answer stopped before its end`),
    );
  });
});
