import { status as Code } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/lab/handshaker/frames.js';
import { HandshakerEmulator, keyFingerprint } from '../../src/lab/handshaker/handshaker-emulator.js';
import type { HandshakerReq, HandshakerResp } from '../../src/lab/handshaker/messages.js';

// The emulator's logic in-process; handshaker-process.test.ts and handshaker-grpc-go.test.ts drive the real program.

const SERVER_IP = '192.0.2.2';
const CLIENT_IP = '192.0.2.3';
const SERVER = 'alts-server@lab.iam.gserviceaccount.com';
const CLIENT = 'alts-client@lab.iam.gserviceaccount.com';
const REKEY = 'ALTSRP_GCM_AES128_REKEY';
const CLIENT_VERSIONS = { max_rpc_version: { major: 2, minor: 1 }, min_rpc_version: { major: 2, minor: 1 } };
const SERVER_VERSIONS = { max_rpc_version: { major: 2, minor: 2 }, min_rpc_version: { major: 2, minor: 1 } };

function setUp() {
  const lines: string[] = [];
  let now = Date.parse('2026-01-01T00:00:00Z');
  const emulator = new HandshakerEmulator({
    accounts: new Map([
      [SERVER_IP, SERVER],
      [CLIENT_IP, CLIENT],
    ]),
    staleAfterMs: 30_000,
    log: (line) => lines.push(line),
    now: () => now,
  });
  return { emulator, lines, advance: (ms: number) => (now += ms) };
}

const clientStart = (targets: string[], extra: object = {}): HandshakerReq => ({
  client_start: {
    handshake_security_protocol: 'ALTS',
    application_protocols: ['grpc'],
    record_protocols: [REKEY],
    target_identities: targets.map((account) => ({ service_account: account })),
    rpc_versions: CLIENT_VERSIONS,
    ...extra,
  },
});

const serverStart = (inBytes: Buffer, extra: object = {}): HandshakerReq => ({
  server_start: {
    application_protocols: ['grpc'],
    handshake_parameters: { '2': { record_protocols: [REKEY] } },
    in_bytes: inBytes,
    rpc_versions: SERVER_VERSIONS,
    ...extra,
  },
});

const next = (inBytes: Buffer): HandshakerReq => ({ next: { in_bytes: inBytes } });

function expectOk(response: HandshakerResp): HandshakerResp & { out_frames: Buffer } {
  expect(response.status).toEqual({ code: Code.OK, details: '' });
  return response as HandshakerResp & { out_frames: Buffer };
}

describe('the handshaker emulator', () => {
  it('gives both sides their true identities, the peer RPC versions and the same fresh key', () => {
    const { emulator, lines } = setUp();
    const client = emulator.openStream(CLIENT_IP);
    const server = emulator.openStream(SERVER_IP);

    const clientInit = expectOk(client.handle(clientStart([SERVER]))).out_frames;
    // What the client sends after its frame is not the emulator's: it is left unconsumed.
    const serverSide = expectOk(server.handle(serverStart(Buffer.concat([clientInit, Buffer.from('early data')]))));
    expect(serverSide.bytes_consumed).toBe(clientInit.length);
    expect(serverSide.result).toMatchObject({
      application_protocol: 'grpc',
      record_protocol: REKEY,
      peer_identity: { service_account: CLIENT },
      local_identity: { service_account: SERVER },
      peer_rpc_versions: CLIENT_VERSIONS,
    });

    const clientSide = expectOk(client.handle(next(Buffer.concat([serverSide.out_frames, Buffer.from('app')]))));
    expect(clientSide.bytes_consumed).toBe(serverSide.out_frames.length);
    expect(clientSide.result).toMatchObject({
      peer_identity: { service_account: SERVER },
      local_identity: { service_account: CLIENT },
      peer_rpc_versions: SERVER_VERSIONS,
    });
    const key = clientSide.result?.key_data;
    expect(key).toHaveLength(44);
    expect(serverSide.result?.key_data).toEqual(key);
    expect(emulator.pending).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`client=${CLIENT} server=${SERVER} accepted ${REKEY} key sha256:${keyFingerprint(key ?? Buffer.alloc(0))}$`),
      ),
    ]);
  });

  it('draws new key material for every connection', () => {
    const { emulator } = setUp();
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const clientInit = expectOk(emulator.openStream(CLIENT_IP).handle(clientStart([]))).out_frames;
      keys.add(expectOk(emulator.openStream(SERVER_IP).handle(serverStart(clientInit))).result?.key_data.toString('hex') ?? '');
    }
    expect(keys.size).toBe(5);
  });

  it('refuses a server that is not among the targets, to the server and then to the client, naming both accounts', () => {
    const { emulator, lines } = setUp();
    const client = emulator.openStream(CLIENT_IP);
    const clientInit = expectOk(client.handle(clientStart(['someone-else@lab.iam.gserviceaccount.com']))).out_frames;
    const refusal = {
      code: Code.PERMISSION_DENIED,
      details: `the client ${CLIENT} accepts only someone-else@lab.iam.gserviceaccount.com as the server's service account, but the server runs as ${SERVER}`,
    };
    expect(emulator.openStream(SERVER_IP).handle(serverStart(clientInit))).toEqual({ status: refusal });
    // grpc-go's client hears of it when the server closes the connection: next with no bytes.
    expect(client.handle(next(Buffer.alloc(0)))).toEqual({ status: refusal });
    expect(lines).toEqual([expect.stringContaining(`refused: ${refusal.details}`)]);
    expect(emulator.pending).toBe(0);
  });

  it('accepts any server when the client names no targets', () => {
    const { emulator } = setUp();
    const clientInit = expectOk(emulator.openStream(CLIENT_IP).handle(clientStart([]))).out_frames;
    expect(emulator.openStream(SERVER_IP).handle(serverStart(clientInit)).result?.local_identity).toEqual({ service_account: SERVER });
  });

  it('waits for the rest of a frame that arrives in pieces', () => {
    const { emulator } = setUp();
    const client = emulator.openStream(CLIENT_IP);
    const server = emulator.openStream(SERVER_IP);
    const clientInit = expectOk(client.handle(clientStart([SERVER]))).out_frames;
    expect(server.handle(serverStart(clientInit.subarray(0, 10)))).toEqual({ bytes_consumed: 0, status: { code: Code.OK, details: '' } });
    // grpc-go sends what was not consumed again, followed by what it read since.
    const serverSide = expectOk(server.handle(next(clientInit)));
    expect(serverSide.result?.peer_identity).toEqual({ service_account: CLIENT });
    expect(client.handle(next(serverSide.out_frames.subarray(0, 30))).bytes_consumed).toBe(0);
    expect(client.handle(next(serverSide.out_frames)).result?.peer_identity).toEqual({ service_account: SERVER });
  });

  it('answers garbage, unknown hosts and out-of-order requests with an error status, and logs them', () => {
    const { emulator, lines } = setUp();
    const cases: [HandshakerReq, string, number, RegExp][] = [
      [
        serverStart(Buffer.from('GET / HTTP/1.1\r\n\r\n')),
        SERVER_IP,
        Code.INVALID_ARGUMENT,
        /not an emulator handshake frame: no "AEMU" magic/,
      ],
      [clientStart([SERVER]), '198.51.100.7', Code.UNAUTHENTICATED, /no service account is known for source address 198\.51\.100\.7/],
      [next(Buffer.from('x')), CLIENT_IP, Code.FAILED_PRECONDITION, /next before client_start or server_start/],
      [{}, CLIENT_IP, Code.INVALID_ARGUMENT, /none of client_start, server_start, next/],
      [
        clientStart([SERVER], { handshake_security_protocol: 'TLS' }),
        CLIENT_IP,
        Code.INVALID_ARGUMENT,
        /only does ALTS handshakes, not TLS/,
      ],
      [
        clientStart([SERVER], { local_identity: { service_account: SERVER } }),
        CLIENT_IP,
        Code.PERMISSION_DENIED,
        /runs as alts-client@.*cannot act as alts-server@/,
      ],
      [
        serverStart(encodeFrame({ kind: 'client-init', connectionId: 'ab'.repeat(16), client: CLIENT, targets: [] })),
        SERVER_IP,
        Code.NOT_FOUND,
        /no handshake in progress has connection id abab/,
      ],
    ];
    for (const [request, source, code, details] of cases) {
      const response = emulator.openStream(source).handle(request);
      expect(response.status.code, JSON.stringify(request)).toBe(code);
      expect(response.status.details).toMatch(details);
      expect(response.result).toBeUndefined();
    }
    expect(lines).toHaveLength(cases.length);
    expect(lines.every((line) => / failed: /.test(line))).toBe(true);
  });

  it('refuses a second start on the same stream and anything after the handshake ended', () => {
    const { emulator } = setUp();
    const client = emulator.openStream(CLIENT_IP);
    expectOk(client.handle(clientStart([])));
    expect(client.handle(clientStart([])).status.details).toBe('client_start on a stream that already started a handshake');
    expect(client.handle(next(Buffer.alloc(1))).status.details).toBe('next after the handshake on this stream ended');
    expect(emulator.pending).toBe(0);
  });

  it('trusts its records over the frame: a ClientInit with other identities is refused', () => {
    const { emulator } = setUp();
    const clientInit = expectOk(emulator.openStream(CLIENT_IP).handle(clientStart(['x@lab.iam.gserviceaccount.com']))).out_frames;
    const connectionId = clientInit.subarray(9, 25).toString('hex');
    const forged = encodeFrame({ kind: 'client-init', connectionId, client: CLIENT, targets: [SERVER] });
    expect(emulator.openStream(SERVER_IP).handle(serverStart(forged)).status).toEqual({
      code: Code.INVALID_ARGUMENT,
      details: `the ClientInit frame of connection ${connectionId} does not carry the identities its client started with`,
    });
  });

  it('drops a half-handshake no server answered in time, and one whose client stream ended', () => {
    const { emulator, lines, advance } = setUp();
    const stale = expectOk(emulator.openStream(CLIENT_IP).handle(clientStart([]))).out_frames;
    advance(10_000);
    const abandoned = emulator.openStream(CLIENT_IP);
    const abandonedInit = expectOk(abandoned.handle(clientStart([]))).out_frames;
    abandoned.close();
    expect(emulator.pending).toBe(1);
    advance(20_000);
    emulator.expireStale();
    expect(emulator.pending).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/client=alts-client@\S+ server=\? expired: no server answered within 30s$/)]);
    for (const frame of [stale, abandonedInit]) {
      expect(emulator.openStream(SERVER_IP).handle(serverStart(frame)).status.code).toBe(Code.NOT_FOUND);
    }
  });

  it('fails both sides when they share no record protocol, and negotiates the smaller frame size', () => {
    const { emulator } = setUp();
    const client = emulator.openStream(CLIENT_IP);
    const clientInit = expectOk(client.handle(clientStart([], { record_protocols: ['ALTSRP_GCM_AES128'] }))).out_frames;
    expect(emulator.openStream(SERVER_IP).handle(serverStart(clientInit)).status.details).toMatch(/no record protocol in common/);
    expect(client.handle(next(Buffer.alloc(0))).status.details).toMatch(/no record protocol in common/);

    const sized = expectOk(emulator.openStream(CLIENT_IP).handle(clientStart([], { max_frame_size: 65536 }))).out_frames;
    expect(emulator.openStream(SERVER_IP).handle(serverStart(sized, { max_frame_size: 16384 })).result?.max_frame_size).toBe(16384);
  });
});
