import { createHash, randomBytes } from 'node:crypto';
import { status as Code } from '@grpc/grpc-js';
import { encodeFrame, type Frame, readFrame } from './frames.js';
import {
  ALTS_PROTOCOL_NUMBER,
  type HandshakerReq,
  type HandshakerResp,
  type HandshakerResult,
  type Identity,
  type RpcProtocolVersions,
  type StartClientHandshakeReq,
  type StartServerHandshakeReq,
} from './messages.js';

/**
 * The ALTS handshaker service's logic, without the gRPC plumbing (handshaker-server.ts). A teaching
 * emulator with no security: identities come from a table of source addresses, and the keys are
 * random bytes handed to both ends in the clear. See docs/handshaker.md.
 *
 * One handshake, as grpc-go drives it (one DoHandshake stream per side):
 *   client stream: client_start                 → ClientInit frame (the client sends it to the server)
 *   server stream: server_start{in_bytes=frame} → checks the client's target accounts, draws the key,
 *                                                 result + ServerInit frame (the server sends it back)
 *   client stream: next{in_bytes=frame}         → result with the same key
 */

/** Record protocols the emulator negotiates, and the key length each takes (grpc-go: internal/handshaker keyLength). */
const KEY_LENGTHS: ReadonlyMap<string, number> = new Map([['ALTSRP_GCM_AES128_REKEY', 44]]);
const EMPTY = Buffer.alloc(0);

export interface EmulatorOptions {
  /** The service account of each lab host, by its IPv4 source address. */
  accounts: ReadonlyMap<string, string>;
  /** A client's half-handshake that no server has answered after this long is dropped. */
  staleAfterMs: number;
  /** Receives one line per handshake (and per refused request). */
  log: (line: string) => void;
  now?: () => number;
  randomBytes?: (size: number) => Buffer;
}

/** What each side declared in its start request. */
interface Side {
  account: string;
  applicationProtocols: string[];
  recordProtocols: string[];
  rpcVersions: RpcProtocolVersions | undefined;
  maxFrameSize: number;
}

interface Accepted {
  server: Side;
  applicationProtocol: string;
  recordProtocol: string;
  keyData: Buffer;
}

/** A handshake the emulator has seen the client start, until the client has its result. */
interface Connection {
  id: string;
  startedAt: number;
  client: Side;
  targets: string[];
  /** Set once the server's half arrived. */
  outcome?: { accepted: Accepted } | { refused: string; code: number };
}

class HandshakeFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** The handshake's log line already tells this failure. */
    readonly logged = false,
  ) {
    super(message);
  }
}

export class HandshakerEmulator {
  readonly #connections = new Map<string, Connection>();
  readonly #now: () => number;
  readonly #randomBytes: (size: number) => Buffer;

  constructor(readonly options: EmulatorOptions) {
    this.#now = options.now ?? Date.now;
    this.#randomBytes = options.randomBytes ?? randomBytes;
  }

  /** A DoHandshake stream from `source` (the caller's IP address). */
  openStream(source: string): HandshakeStream {
    return new HandshakeStream(this, source);
  }

  /** Drops half-handshakes older than `staleAfterMs`, e.g. of a client whose server never answered. */
  expireStale(): void {
    const cutoff = this.#now() - this.options.staleAfterMs;
    for (const connection of this.#connections.values()) {
      if (connection.startedAt > cutoff) continue;
      this.#connections.delete(connection.id);
      if (!connection.outcome) {
        this.#log(connection.id, connection.client.account, '?', `expired: no server answered within ${this.options.staleAfterMs / 1000}s`);
      }
    }
  }

  /** How many handshakes are in progress. */
  get pending(): number {
    return this.#connections.size;
  }

  accountOf(source: string): string {
    const account = this.options.accounts.get(source);
    if (account === undefined) {
      throw new HandshakeFailure(Code.UNAUTHENTICATED, `no service account is known for source address ${source} (see --accounts)`);
    }
    return account;
  }

  startConnection(client: Side, targets: string[]): Connection {
    const connection: Connection = { id: this.#randomBytes(16).toString('hex'), startedAt: this.#now(), client, targets };
    this.#connections.set(connection.id, connection);
    return connection;
  }

  findConnection(id: string): Connection {
    const connection = this.#connections.get(id);
    if (!connection) {
      throw new HandshakeFailure(
        Code.NOT_FOUND,
        `no handshake in progress has connection id ${id} (never started, given up, or expired after ${this.options.staleAfterMs / 1000}s)`,
      );
    }
    return connection;
  }

  forget(connection: Connection): void {
    this.#connections.delete(connection.id);
  }

  /** The server's half: checks the client's target accounts and negotiates; the outcome is kept for the client. */
  answer(frame: Extract<Frame, { kind: 'client-init' }>, server: Side): { connection: Connection; accepted: Accepted } {
    const connection = this.findConnection(frame.connectionId);
    if (connection.outcome) {
      throw new HandshakeFailure(
        Code.FAILED_PRECONDITION,
        `connection ${connection.id} was already answered by a server (a replayed ClientInit)`,
      );
    }
    // The emulator trusts its own records, not the frame: a frame that disagrees was tampered with.
    if (frame.client !== connection.client.account || frame.targets.join('\n') !== connection.targets.join('\n')) {
      throw new HandshakeFailure(
        Code.INVALID_ARGUMENT,
        `the ClientInit frame of connection ${connection.id} does not carry the identities its client started with`,
      );
    }
    const { client, targets } = connection;
    if (targets.length > 0 && !targets.includes(server.account)) {
      throw this.#refuse(
        connection,
        server,
        Code.PERMISSION_DENIED,
        `the client ${client.account} accepts only ${targets.join(', ')} as the server's service account, but the server runs as ${server.account}`,
      );
    }
    const applicationProtocol = client.applicationProtocols.find((p) => server.applicationProtocols.includes(p));
    if (applicationProtocol === undefined) {
      throw this.#refuse(
        connection,
        server,
        Code.FAILED_PRECONDITION,
        `no application protocol in common (client: ${list(client.applicationProtocols)}; server: ${list(server.applicationProtocols)})`,
      );
    }
    const recordProtocol = client.recordProtocols.find((p) => server.recordProtocols.includes(p) && KEY_LENGTHS.has(p));
    const keyLength = recordProtocol === undefined ? undefined : KEY_LENGTHS.get(recordProtocol);
    if (recordProtocol === undefined || keyLength === undefined) {
      throw this.#refuse(
        connection,
        server,
        Code.FAILED_PRECONDITION,
        `no record protocol in common that the emulator knows (${list([...KEY_LENGTHS.keys()])}; client: ${list(client.recordProtocols)}; server: ${list(server.recordProtocols)})`,
      );
    }
    // Fresh key material for every connection; both ends get the same bytes.
    const accepted: Accepted = { server, applicationProtocol, recordProtocol, keyData: this.#randomBytes(keyLength) };
    connection.outcome = { accepted };
    this.#log(connection.id, client.account, server.account, `accepted ${recordProtocol} key sha256:${keyFingerprint(accepted.keyData)}`);
    return { connection, accepted };
  }

  /** Records the refusal for the client, who asks next, and logs it once for both sides. */
  #refuse(connection: Connection, server: Side, code: number, reason: string): HandshakeFailure {
    connection.outcome = { refused: reason, code };
    this.#log(connection.id, connection.client.account, server.account, `refused: ${reason}`);
    return new HandshakeFailure(code, reason, true);
  }

  logFailure(source: string, connectionId: string | undefined, details: string): void {
    this.options.log(`${new Date(this.#now()).toISOString()} handshake ${connectionId ?? '-'} from ${source} failed: ${details}`);
  }

  #log(connectionId: string, client: string, server: string, outcome: string): void {
    this.options.log(`${new Date(this.#now()).toISOString()} handshake ${connectionId} client=${client} server=${server} ${outcome}`);
  }
}

type StreamState =
  | { kind: 'new' }
  | { kind: 'client'; connection: Connection }
  /** server_start came before the whole ClientInit frame: the rest arrives in `next`. */
  | { kind: 'server'; server: Side }
  | { kind: 'over' };

/** One DoHandshake stream: one side of one handshake. */
export class HandshakeStream {
  #state: StreamState = { kind: 'new' };

  constructor(
    readonly emulator: HandshakerEmulator,
    readonly source: string,
  ) {}

  /** True once the stream has its result or failed: nothing more can happen on it. */
  get over(): boolean {
    return this.#state.kind === 'over';
  }

  /** Answers one request. Never throws for bad input: that is a response with an error status. */
  handle(request: HandshakerReq): HandshakerResp {
    try {
      if (request.client_start) return this.#clientStart(request.client_start);
      if (request.server_start) return this.#serverStart(request.server_start);
      if (request.next) return this.#next(request.next.in_bytes ?? EMPTY);
      throw new HandshakeFailure(Code.INVALID_ARGUMENT, 'the request has none of client_start, server_start, next');
    } catch (error) {
      if (!(error instanceof HandshakeFailure)) throw error;
      const connectionId = this.#state.kind === 'client' ? this.#state.connection.id : undefined;
      this.close();
      if (!error.logged) this.emulator.logFailure(this.source, connectionId, error.message);
      return { status: { code: error.code, details: error.message } };
    }
  }

  /** The stream ended: a client's half-handshake goes with it. */
  close(): void {
    if (this.#state.kind === 'client') this.emulator.forget(this.#state.connection);
    this.#state = { kind: 'over' };
  }

  #clientStart(start: StartClientHandshakeReq): HandshakerResp {
    this.#expectNew('client_start');
    if (start.handshake_security_protocol !== 'ALTS') {
      throw new HandshakeFailure(
        Code.INVALID_ARGUMENT,
        `the emulator only does ALTS handshakes, not ${start.handshake_security_protocol ?? 'HANDSHAKE_PROTOCOL_UNSPECIFIED'}`,
      );
    }
    const account = this.#localAccount(start.local_identity ? [start.local_identity] : []);
    const targets = (start.target_identities ?? []).map(identityName);
    const connection = this.emulator.startConnection(
      {
        account,
        applicationProtocols: start.application_protocols ?? [],
        recordProtocols: start.record_protocols ?? [],
        rpcVersions: start.rpc_versions,
        maxFrameSize: start.max_frame_size ?? 0,
      },
      targets,
    );
    this.#state = { kind: 'client', connection };
    return ok({
      out_frames: encodeFrame({ kind: 'client-init', connectionId: connection.id, client: account, targets }),
      bytes_consumed: 0,
    });
  }

  #serverStart(start: StartServerHandshakeReq): HandshakerResp {
    this.#expectNew('server_start');
    const alts = start.handshake_parameters?.[String(ALTS_PROTOCOL_NUMBER)];
    const server: Side = {
      account: this.#localAccount(alts?.local_identities ?? []),
      applicationProtocols: start.application_protocols ?? [],
      recordProtocols: alts?.record_protocols ?? [],
      rpcVersions: start.rpc_versions,
      maxFrameSize: start.max_frame_size ?? 0,
    };
    this.#state = { kind: 'server', server };
    return this.#serverReceive(server, start.in_bytes ?? EMPTY);
  }

  #next(bytes: Buffer): HandshakerResp {
    const state = this.#state;
    if (state.kind === 'server') return this.#serverReceive(state.server, bytes);
    if (state.kind === 'client') return this.#clientReceive(state.connection, bytes);
    throw new HandshakeFailure(
      Code.FAILED_PRECONDITION,
      state.kind === 'new' ? 'next before client_start or server_start' : 'next after the handshake on this stream ended',
    );
  }

  /** The server got bytes from the client: once they hold the whole ClientInit frame, the handshake is decided. */
  #serverReceive(server: Side, bytes: Buffer): HandshakerResp {
    const read = readFrame(bytes);
    if (read.kind === 'incomplete') return ok({ bytes_consumed: 0 });
    if (read.kind === 'invalid') {
      throw new HandshakeFailure(
        Code.INVALID_ARGUMENT,
        `the server received bytes that are not an emulator handshake frame: ${read.reason}`,
      );
    }
    if (read.frame.kind !== 'client-init') {
      throw new HandshakeFailure(Code.INVALID_ARGUMENT, 'the server received a ServerInit frame where a ClientInit belongs');
    }
    const { connection, accepted } = this.emulator.answer(read.frame, server);
    this.#state = { kind: 'over' };
    return ok({
      out_frames: encodeFrame({ kind: 'server-init', connectionId: connection.id, server: server.account }),
      // Exactly the frame: whatever the client sent after it is the caller's (grpc-go's "extra" bytes).
      bytes_consumed: read.size,
      result: result(accepted, server, connection.client),
    });
  }

  /** The client got bytes from the server: the ServerInit frame, or nothing if the server failed. */
  #clientReceive(connection: Connection, bytes: Buffer): HandshakerResp {
    const { outcome } = connection;
    if (outcome && 'refused' in outcome) throw new HandshakeFailure(outcome.code, outcome.refused, true);
    if (bytes.length === 0 && !outcome) {
      throw new HandshakeFailure(Code.FAILED_PRECONDITION, 'the server ended the connection before its handshake reached the emulator');
    }
    const read = readFrame(bytes);
    if (read.kind === 'incomplete') return ok({ bytes_consumed: 0 });
    if (read.kind === 'invalid') {
      throw new HandshakeFailure(
        Code.INVALID_ARGUMENT,
        `the client received bytes that are not an emulator handshake frame: ${read.reason}`,
      );
    }
    if (!outcome || read.frame.kind !== 'server-init' || read.frame.connectionId !== connection.id) {
      throw new HandshakeFailure(Code.INVALID_ARGUMENT, `the client expected the ServerInit frame of connection ${connection.id}`);
    }
    this.emulator.forget(connection);
    this.#state = { kind: 'over' };
    const { accepted } = outcome;
    return ok({ bytes_consumed: read.size, result: result(accepted, connection.client, accepted.server) });
  }

  #expectNew(what: string): void {
    if (this.#state.kind !== 'new') {
      throw new HandshakeFailure(Code.FAILED_PRECONDITION, `${what} on a stream that already started a handshake`);
    }
  }

  /** This host's account; a side may name the identities it wants, and gets an error unless its own is among them. */
  #localAccount(requested: Identity[]): string {
    const account = this.emulator.accountOf(this.source);
    const names = requested.map(identityName);
    if (names.length > 0 && !names.includes(account)) {
      throw new HandshakeFailure(Code.PERMISSION_DENIED, `${this.source} runs as ${account}, it cannot act as ${names.join(', ')}`);
    }
    return account;
  }
}

function ok(response: Omit<HandshakerResp, 'status'>): HandshakerResp {
  return { ...response, status: { code: Code.OK, details: '' } };
}

/** The result for the side `local`, whose peer is `peer`. */
function result(accepted: Accepted, local: Side, peer: Side): HandshakerResult {
  return {
    application_protocol: accepted.applicationProtocol,
    record_protocol: accepted.recordProtocol,
    key_data: accepted.keyData,
    peer_identity: { service_account: peer.account },
    local_identity: { service_account: local.account },
    keep_channel_open: false,
    peer_rpc_versions: peer.rpcVersions,
    // 0 leaves both ends at the default frame size; otherwise the smaller of the two.
    max_frame_size: local.maxFrameSize && peer.maxFrameSize ? Math.min(local.maxFrameSize, peer.maxFrameSize) : 0,
  };
}

function identityName(identity: Identity): string {
  return identity.service_account ?? identity.hostname ?? '';
}

function list(values: string[]): string {
  return values.length > 0 ? values.join(', ') : 'none';
}

/** Lets a log reader tell keys apart without printing them. */
export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
