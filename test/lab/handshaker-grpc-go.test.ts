import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_MAIN, type LoggedProcess, requireBuiltEmulator } from './handshaker-helpers.js';
import { HandshakerLab, METADATA_IP } from './handshaker-lab.js';

// The emulator against grpc-go's real ALTS client and server: the tutorial's programs from
// steps/alts-grpc, built offline, each in its own network namespace behind the DMI shim, reaching
// the emulator at metadata.google.internal:8080 from their own addresses.

const ROOT = resolve(import.meta.dirname, '..', '..');
const SERVER_ACCOUNT = 'alts-server@athx-lab.iam.gserviceaccount.com';
const CLIENT_ACCOUNT = 'alts-client@athx-lab.iam.gserviceaccount.com';
const dir = mkdtempSync(join(tmpdir(), 'athx-grpc-go-'));
const lab = new HandshakerLab(`athx${process.pid}`);
const dmiFile = '/sys/class/dmi/id/product_name';
const dmiBefore = existsSync(dmiFile) ? readFileSync(dmiFile, 'utf8') : undefined;
let emulator: LoggedProcess;
let server: LoggedProcess;

async function runClient(...args: string[]): Promise<LoggedProcess> {
  const client = lab.start(lab.client, [join(dir, 'client'), ...args], { gce: true });
  await client.exited;
  return client;
}

const serverPeerLines = () => server.output.match(/AuthInfo PeerServiceAccount: /g)?.length ?? 0;

beforeAll(async () => {
  requireBuiltEmulator();
  const build = spawnSync(join(ROOT, 'steps', 'alts-grpc', 'build-offline.sh'), [dir], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build-offline.sh failed:\n${build.stdout}${build.stderr}`);
  lab.create();
  const accounts = join(dir, 'accounts.json');
  writeFileSync(accounts, JSON.stringify({ [lab.serverIp]: SERVER_ACCOUNT, [lab.clientIp]: CLIENT_ACCOUNT }));
  emulator = lab.start(lab.metadata, [process.execPath, EMULATOR_MAIN, '--listen', `${METADATA_IP}:8080`, '--accounts', accounts]);
  await emulator.waitFor(/^listening on 169\.254\.169\.254:8080$/m);
  server = lab.start(lab.server, [join(dir, 'server')], { gce: true });
  await server.waitFor(/listening on :50051/);
}, 300_000);

afterAll(async () => {
  await lab.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('grpc-go over ALTS with the handshaker emulator', () => {
  it("gives the client and the server each other's true service account, and the echo goes through", async () => {
    const client = await runClient('--targetServiceAccount', SERVER_ACCOUNT);
    expect(client.output).toMatch(
      new RegExp(`AuthInfo PeerServiceAccount: ${SERVER_ACCOUNT}\n.*AuthInfo LocalServiceAccount: ${CLIENT_ACCOUNT}\n`),
    );
    expect(client.stdout).toBe('UnaryEcho: hello world\n');
    expect(await client.exited).toEqual({ code: 0, signal: null });
    await server.waitFor(new RegExp(`AuthInfo PeerServiceAccount: ${CLIENT_ACCOUNT}\n.*AuthInfo LocalServiceAccount: ${SERVER_ACCOUNT}\n`));
    await emulator.waitFor(new RegExp(`client=${CLIENT_ACCOUNT} server=${SERVER_ACCOUNT} accepted ALTSRP_GCM_AES128_REKEY`));
  }, 60_000);

  it("refuses a client whose --targetServiceAccount is not the server's, saying whom it expected and whom it found", async () => {
    const peersBefore = serverPeerLines();
    const client = await runClient('--targetServiceAccount', 'impostor@athx-lab.iam.gserviceaccount.com');
    const reason = `the client ${CLIENT_ACCOUNT} accepts only impostor@athx-lab.iam.gserviceaccount.com as the server's service account, but the server runs as ${SERVER_ACCOUNT}`;
    expect((await client.exited).code).toBe(1);
    expect(client.output).toContain(`PermissionDenied desc = ${reason}`);
    expect(client.stdout).toBe('');
    await emulator.waitFor(new RegExp(`refused: ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(serverPeerLines()).toBe(peersBefore);
  }, 60_000);

  it('answers a garbage frame from a raw gRPC client with an error, and keeps serving', async () => {
    const garbage = lab.start(lab.client, [
      process.execPath,
      join(ROOT, 'test', 'fixtures', 'handshaker', 'send-garbage.mjs'),
      `${METADATA_IP}:8080`,
      join(ROOT, 'dist', 'lab', 'handshaker'),
    ]);
    expect((await garbage.exited).code).toBe(0);
    const [response, stream] = garbage.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(response).toEqual({
      response: { code: 3, details: expect.stringMatching(/^the server received bytes that are not an emulator handshake frame/) },
    });
    expect(stream).toEqual({ stream: response.response });
    await emulator.waitFor(new RegExp(`handshake - from ${lab.clientIp.replace(/\./g, '\\.')} failed: the server received bytes`));

    expect(emulator.running).toBe(true);
    const client = await runClient('--targetServiceAccount', SERVER_ACCOUNT);
    expect(client.stdout).toBe('UnaryEcho: hello world\n');
  }, 60_000);

  it('draws fresh key material for every connection', async () => {
    for (let i = 0; i < 2; i++)
      expect((await runClient(`--targetServiceAccount=other@x,${SERVER_ACCOUNT}`)).stdout).toBe('UnaryEcho: hello world\n');
    const keys = [...emulator.output.matchAll(/ accepted ALTSRP_GCM_AES128_REKEY key sha256:([0-9a-f]{16})$/gm)].map((match) => match[1]);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(keys.length);
  }, 60_000);

  it("keeps the DMI shim inside the lab's mount namespaces", () => {
    expect(existsSync('/sys/class/net')).toBe(true);
    expect(existsSync(dmiFile) ? readFileSync(dmiFile, 'utf8') : undefined).toBe(dmiBefore);
  });
});
