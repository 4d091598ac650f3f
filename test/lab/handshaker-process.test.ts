import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../src/lab/handshaker/handshaker-emulator.js';
import {
  clientStart,
  EMULATOR_MAIN,
  handshakerClient,
  type LoggedProcess,
  RawHandshake,
  REKEY,
  requireBuiltEmulator,
  serverStart,
  startProcess,
} from './handshaker-helpers.js';

// The built emulator as a real process on loopback, driven by raw grpc-js clients. Both halves of a
// handshake come from 127.0.0.1, so they share one account; handshaker-grpc-go.test.ts has hosts
// with their own accounts.

const ACCOUNT = 'alts-loopback@lab.iam.gserviceaccount.com';
const dir = mkdtempSync(join(tmpdir(), 'athx-handshaker-'));
const accountsFile = join(dir, 'accounts.json');
let emulator: LoggedProcess;
let client: ReturnType<typeof handshakerClient>;

/** Both halves of one handshake; returns the two responses that carry a result. */
async function handshake(targets: string[]) {
  const clientSide = new RawHandshake(client);
  const serverSide = new RawHandshake(client);
  try {
    const clientInit = await clientSide.send(clientStart(targets));
    const serverDone = await serverSide.send(serverStart(clientInit.out_frames ?? Buffer.alloc(0)));
    const clientDone = await clientSide.send({ next: { in_bytes: serverDone.out_frames ?? Buffer.alloc(0) } });
    return { serverDone, clientDone };
  } finally {
    clientSide.end();
    serverSide.end();
  }
}

beforeAll(async () => {
  requireBuiltEmulator();
  writeFileSync(accountsFile, JSON.stringify({ '127.0.0.1': ACCOUNT }));
  emulator = startProcess(process.execPath, [EMULATOR_MAIN, '--listen', '127.0.0.1:0', '--accounts', accountsFile]);
  const [, port] = await emulator.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m);
  client = handshakerClient(`127.0.0.1:${port}`);
});

afterAll(async () => {
  client?.close();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the handshaker emulator process', () => {
  it('says first that it is a teaching emulator with no security', () => {
    expect(emulator.output.split('\n')[0]).toMatch(/teaching emulator with NO security/);
    expect(emulator.output).toContain(`127.0.0.1 runs as ${ACCOUNT}`);
  });

  it('hands both halves of a connection the same key, and each connection its own, logging each', async () => {
    const first = await handshake([ACCOUNT]);
    const second = await handshake([]);
    for (const { serverDone, clientDone } of [first, second]) {
      expect(serverDone.result?.record_protocol).toBe(REKEY);
      expect(clientDone.result?.peer_identity).toEqual({ service_account: ACCOUNT });
      expect(clientDone.result?.key_data).toEqual(serverDone.result?.key_data);
    }
    const keys = [first, second].map(({ clientDone }) => clientDone.result?.key_data ?? Buffer.alloc(0));
    expect(keys[0]).not.toEqual(keys[1]);
    for (const key of keys) {
      await emulator.waitFor(
        new RegExp(
          `^\\S+ handshake [0-9a-f]{32} client=${ACCOUNT} server=${ACCOUNT} accepted ${REKEY} key sha256:${keyFingerprint(key)}$`,
          'm',
        ),
      );
    }
  });

  it('refuses a server that is not among the targets: the server in its response, the client with the stream status', async () => {
    const clientSide = new RawHandshake(client);
    const serverSide = new RawHandshake(client);
    const clientInit = await clientSide.send(clientStart(['other@lab.iam.gserviceaccount.com']));
    const refusal = `the client ${ACCOUNT} accepts only other@lab.iam.gserviceaccount.com as the server's service account, but the server runs as ${ACCOUNT}`;
    expect((await serverSide.send(serverStart(clientInit.out_frames ?? Buffer.alloc(0)))).status).toEqual({
      code: grpc.status.PERMISSION_DENIED,
      details: refusal,
    });
    await expect(clientSide.send({ next: { in_bytes: Buffer.alloc(0) } })).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: refusal,
    });
  });

  it('answers a garbage frame and a message that is not protobuf with errors, and keeps serving', async () => {
    const garbage = new RawHandshake(client);
    const response = await garbage.send(serverStart(Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS ClientHello')));
    expect(response.status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(response.status.details).toMatch(/not an emulator handshake frame/);
    expect(response.result).toBeUndefined();

    const notProtobuf = await new Promise<grpc.ServiceError>((resolve) => {
      const call = client.makeBidiStreamRequest(
        '/grpc.gcp.HandshakerService/DoHandshake',
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
      );
      call.on('data', () => {});
      call.on('error', resolve);
      call.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    });
    expect(notProtobuf.code).not.toBe(grpc.status.OK);

    expect(emulator.running).toBe(true);
    expect((await handshake([ACCOUNT])).clientDone.result?.local_identity).toEqual({ service_account: ACCOUNT });
  });
});

describe('the handshaker emulator command line', () => {
  const run = async (args: string[]) => {
    const child = startProcess(process.execPath, [EMULATOR_MAIN, ...args]);
    const { code } = await child.exited;
    return { code, output: child.output };
  };

  it.each([
    [[], /--listen and --accounts are required/],
    [['--listen', '127.0.0.1', '--accounts', 'x.json'], /--listen 127\.0\.0\.1: expected <ip>:<port>/],
    [
      ['--listen', '127.0.0.1:0', '--accounts', '/nonexistent/accounts.json'],
      /cannot read the accounts file \/nonexistent\/accounts\.json: ENOENT/,
    ],
    [['--listen', '127.0.0.1:0', '--accounts', '/etc/hostname'], /\/etc\/hostname: not valid JSON/],
    [['--listen', '127.0.0.1:0', '--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 with a message for %j', async (args, message) => {
    const { code, output } = await run(args);
    expect(code).toBe(2);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with the reason when it cannot listen', async () => {
    const { code, output } = await run(['--listen', '192.0.2.99:8080', '--accounts', accountsFile]);
    expect(code).toBe(2);
    expect(output).toMatch(/cannot listen on 192\.0\.2\.99:8080: .*EADDRNOTAVAIL/);
  });

  it('exits 0 on SIGTERM, even with a handshake in progress', async () => {
    const child = startProcess(process.execPath, [EMULATOR_MAIN, '--listen', '127.0.0.1:0', '--accounts', accountsFile]);
    const [, port] = await child.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m);
    const other = handshakerClient(`127.0.0.1:${port}`);
    const halfDone = new RawHandshake(other);
    await halfDone.send(clientStart([]));
    child.child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.output).toMatch(/stopped \(SIGTERM\)\n$/);
    other.close();
  });
});
