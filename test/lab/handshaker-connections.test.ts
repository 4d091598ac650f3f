import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectHttp2 } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientStart,
  EMULATOR_MAIN,
  handshakerClient,
  type LoggedProcess,
  RawHandshake,
  requireBuiltEmulator,
  startProcess,
} from './handshaker-helpers.js';

// Idle TCP connections to the built emulator on loopback: it used to keep every one until it
// died at the fd limit. Now it closes them after --idle-timeout and refuses more than
// --max-connections, saying so in its log.

const ACCOUNT = 'alts-loopback@lab.iam.gserviceaccount.com';
const MAX = 8;
const dir = mkdtempSync(join(tmpdir(), 'athx-handshaker-conn-'));
const accountsFile = join(dir, 'accounts.json');
let emulator: LoggedProcess;
let port: number;

/** An open TCP connection that never sends a byte; `closed` settles when the emulator drops it. */
async function idleConnection(): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('close', () => reject(new Error('closed before it connected')));
  });
  return { socket, closed };
}

beforeAll(async () => {
  requireBuiltEmulator();
  writeFileSync(accountsFile, JSON.stringify({ '127.0.0.1': ACCOUNT }));
  emulator = startProcess(process.execPath, [
    EMULATOR_MAIN,
    '--listen',
    '127.0.0.1:0',
    '--accounts',
    accountsFile,
    '--idle-timeout',
    '0.5',
    '--max-connections',
    String(MAX),
  ]);
  port = Number((await emulator.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m))[1]);
});

afterAll(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the handshaker emulator with idle and excess connections', () => {
  it('says its limits when it starts', () => {
    expect(emulator.output).toMatch(/^idle connections are closed after 0\.5s; at most 8 at once$/m);
  });

  it('closes connections that send nothing after its idle timeout, and logs it', async () => {
    const connections = await Promise.all(Array.from({ length: MAX }, () => idleConnection()));
    // Nothing is done to them: they end because the emulator closed them.
    await Promise.all(connections.map((connection) => connection.closed));
    await emulator.waitFor(/closed connection from 127\.0\.0\.1:\d+: idle for 0\.5s \(--idle-timeout\)/);
  });

  it('closes an HTTP/2 connection with no call open after its idle timeout', async () => {
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    session.on('error', () => {});
    await new Promise<void>((resolve) => session.once('connect', () => resolve()));
    await new Promise<void>((resolve) => session.once('close', () => resolve()));
  });

  it('refuses a connection over --max-connections, with a log line, and takes new ones once there is room', async () => {
    const held = await Promise.all(Array.from({ length: MAX }, () => idleConnection()));
    const extra = connect(port, '127.0.0.1');
    extra.on('error', () => {});
    const received: Buffer[] = [];
    extra.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise<void>((resolve) => extra.once('close', () => resolve()));
    // Refused at once: grpc-js never saw it, so not even its HTTP/2 settings frame came.
    expect(Buffer.concat(received).length).toBe(0);
    await emulator.waitFor(
      new RegExp(`refused connection from 127\\.0\\.0\\.1:\\d+: ${MAX} connections open, the limit \\(--max-connections ${MAX}\\)`),
    );
    await Promise.all(held.map((connection) => connection.closed));
    // With the idle ones gone, a real handshake is served again.
    const client = handshakerClient(`127.0.0.1:${port}`);
    const handshake = new RawHandshake(client);
    try {
      const response = await handshake.send(clientStart([ACCOUNT]));
      expect(response.status?.code).toBe(0);
      expect(response.out_frames?.length).toBeGreaterThan(0);
    } finally {
      handshake.end();
      client.close();
    }
  });
});
