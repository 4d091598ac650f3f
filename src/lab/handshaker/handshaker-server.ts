import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../package-root.js';
import { ConnectionGuard, type ConnectionLimits } from './connection-guard.js';
import { type EmulatorOptions, HandshakerEmulator } from './handshaker-emulator.js';
import type { HandshakerReq, HandshakerResp } from './messages.js';

/** Decoded as messages.ts types them: .proto field names, Buffers, enum names, absent fields undefined. */
const LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: false, oneofs: false };

/** The .proto files: copied beside the bundle by scripts/build.mjs, or the sources when run from them. */
function protoDirectory(): string {
  const candidates = [join(PACKAGE_ROOT, 'dist/lab/handshaker'), join(PACKAGE_ROOT, 'src/lab/handshaker')];
  const found = candidates.find((dir) => existsSync(join(dir, 'handshaker.proto')));
  if (!found) throw new Error(`BUG: handshaker.proto is in none of ${candidates.join(', ')}`);
  return found;
}

/** grpc.gcp's handshaker.proto, loaded for grpc-js (the emulator; tests build raw clients from it). */
export function loadHandshakerProto(): PackageDefinition {
  return loadSync('handshaker.proto', { ...LOADER_OPTIONS, includeDirs: [protoDirectory()] });
}

/** The caller's IPv4 address from grpc-js's peer string ("10.0.0.2:40000", "::ffff:10.0.0.2:40000"). */
function sourceAddressOf(peer: string): string {
  return /(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(peer)?.[1] ?? peer;
}

export interface RunningHandshaker {
  /** The port bound (useful with port 0). */
  port: number;
  stop(): void;
}

/** Defaults: a handshake is a few requests within seconds; 256 is far below the usual fd limit. */
export const DEFAULT_LIMITS: ConnectionLimits = { idleMs: 60_000, maxConnections: 256 };

/**
 * Serves grpc.gcp.HandshakerService/DoHandshake on `listen` ("ip:port"). The TCP listener is the
 * emulator's own, its connections handed to grpc-js, so that idle ones are closed and too many are
 * refused (grpc-js has no connection limit, and its idle timer leaves sockets that never spoke open).
 */
export async function startHandshakerServer(
  listen: string,
  options: EmulatorOptions & { limits?: Partial<ConnectionLimits> },
): Promise<RunningHandshaker> {
  const emulator = new HandshakerEmulator(options);

  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  // grpc-js closes a connection with no call open for this long (with a GOAWAY).
  const server = new grpc.Server({ 'grpc.max_connection_idle_ms': limits.idleMs });
  const service = loadHandshakerProto()['grpc.gcp.HandshakerService'] as grpc.ServiceDefinition;
  server.addService(service, {
    DoHandshake: (call: grpc.ServerDuplexStream<HandshakerReq, HandshakerResp>) => serveStream(call, emulator, options.log),
  });
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const guard = new ConnectionGuard(limits, options.log);
  const tcp = createServer((socket) => {
    guard.admit(socket, (speaking) => injector.injectConnection(speaking));
  });
  const { host, port: wanted } = splitListen(listen);
  const port = await new Promise<number>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(wanted, host, () => {
      tcp.off('error', reject);
      const address = tcp.address();
      resolve(typeof address === 'object' && address ? address.port : wanted);
    });
  });
  const sweeper = setInterval(() => emulator.expireStale(), Math.min(5_000, options.staleAfterMs));
  sweeper.unref();
  return {
    port,
    stop: () => {
      clearInterval(sweeper);
      tcp.close();
      guard.closeAll();
      injector.destroy();
      server.forceShutdown();
    },
  };
}

/** "169.254.169.254:8080", "[::1]:0" → host and port. */
function splitListen(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(listen.slice(colon + 1)) };
}

/**
 * One DoHandshake stream: each request gets one response, until the handshake is over. A failure
 * ends the stream with its status. Before that, a start request also gets the failure as a
 * response's status (the protocol's way, which grpc-go reads for start requests and gRPC core, i.e.
 * Envoy, for every request); a `next` does not, because grpc-go ignores the status of responses to
 * `next` and would go on waiting for the peer, instead of failing with the emulator's reason.
 */
function serveStream(
  call: grpc.ServerDuplexStream<HandshakerReq, HandshakerResp>,
  emulator: HandshakerEmulator,
  log: (line: string) => void,
) {
  const peer = call.getPeer();
  const stream = emulator.openStream(sourceAddressOf(peer));
  let ended = false;
  const end = (status?: HandshakerResp['status']) => {
    stream.close();
    if (ended) return;
    ended = true;
    if (status) call.emit('error', { code: status.code, details: status.details });
    else call.end();
  };
  call.on('data', (request: HandshakerReq) => {
    if (ended) return;
    let response: HandshakerResp;
    try {
      response = stream.handle(request);
    } catch (error) {
      // A bug in the emulator, not bad input: fail this handshake and keep serving the others.
      log(`handshaker emulator bug: ${(error as Error).stack ?? String(error)}`);
      response = { status: { code: grpc.status.INTERNAL, details: `handshaker emulator bug: ${(error as Error).message}` } };
    }
    if (response.status.code === grpc.status.OK) {
      call.write(response);
      return;
    }
    if (!request.next) call.write(response);
    end(response.status);
  });
  call.on('end', () => end());
  call.on('cancelled', () => stream.close());
  call.on('error', () => stream.close());
}
