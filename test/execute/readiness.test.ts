import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeReadiness, type ReadinessWatch, waitUntilReady } from '../../src/execute/readiness.js';
import { freePort } from './helpers.js';

const servers: { close(callback: () => void): void }[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function watch(overrides: Partial<ReadinessWatch> = {}): ReadinessWatch {
  return { output: () => '', ended: new Promise(() => {}), timeoutMs: 5000, ...overrides };
}

function listen(server: Server | ReturnType<typeof createTcpServer>, port: number): Promise<void> {
  servers.push(server);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
}

describe('waitUntilReady', () => {
  it('is ready at once when the step has no readiness', async () => {
    expect(await waitUntilReady(undefined, watch())).toEqual({ ready: true });
  });

  it('waits for output matching the pattern', async () => {
    let output = 'starting\n';
    setTimeout(() => {
      output += 'Listening on :8080\n';
    }, 200);
    const result = await waitUntilReady({ kind: 'output', pattern: /listening on :\d+/i }, watch({ output: () => output }));
    expect(result).toEqual({ ready: true });
    expect(output).toContain('Listening');
  });

  it('waits for a port to accept connections', async () => {
    const port = await freePort();
    let listening = false;
    setTimeout(() => {
      listening = true;
      void listen(
        createTcpServer((socket) => socket.end()),
        port,
      );
    }, 300);
    expect(await waitUntilReady({ kind: 'port', port }, watch())).toEqual({ ready: true });
    expect(listening).toBe(true);
  });

  it('waits for an http URL to answer 2xx, not 5xx', async () => {
    const port = await freePort();
    let healthy = false;
    let requests = 0;
    await listen(
      createHttpServer((_, response) => {
        requests++;
        response.statusCode = healthy ? 204 : 503;
        response.end();
      }),
      port,
    );
    setTimeout(() => {
      healthy = true;
    }, 300);
    expect(await waitUntilReady({ kind: 'http', url: `http://127.0.0.1:${port}/health` }, watch())).toEqual({ ready: true });
    expect(requests).toBeGreaterThan(1);
  });

  it('fails with a reason when the step ends before it is ready', async () => {
    const result = await waitUntilReady({ kind: 'output', pattern: /ready/ }, watch({ ended: Promise.resolve(3) }));
    expect(result).toEqual({ ready: false, reason: 'the background step exited with status 3 before it was ready' });
  });

  it('says the step was killed when it ended without a status', async () => {
    const result = await waitUntilReady({ kind: 'output', pattern: /ready/ }, watch({ ended: Promise.resolve(undefined) }));
    expect(result).toEqual({ ready: false, reason: 'the background step was killed before it was ready' });
  });

  it('fails after its timeout, saying what it waited for', async () => {
    const port = await freePort();
    const result = await waitUntilReady({ kind: 'port', port }, watch({ timeoutMs: 400 }));
    expect(result.ready).toBe(false);
    expect(!result.ready && result.reason).toBe(`not ready after 400ms (port ${port} accepting connections)`);
  });

  it('stops waiting when the run is interrupted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await waitUntilReady({ kind: 'output', pattern: /never/ }, watch({ signal: controller.signal, timeoutMs: 20_000 }));
    expect(result).toEqual({ ready: false, reason: 'interrupted' });
  });
});

describe('describeReadiness', () => {
  it('says what each kind of readiness waits for', () => {
    expect(describeReadiness(undefined)).toBe('started');
    expect(describeReadiness({ kind: 'output', pattern: /up/ })).toBe('output matching /up/');
    expect(describeReadiness({ kind: 'port', port: 8080 })).toBe('port 8080 accepting connections');
    expect(describeReadiness({ kind: 'http', url: 'http://x/' })).toBe('http://x/ answering 2xx');
  });
});
