import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadHandshakerProto } from '../../src/lab/handshaker/handshaker-server.js';
import type { HandshakerReq, HandshakerResp } from '../../src/lab/handshaker/messages.js';

/** Shared by the handshaker emulator's process tests: the built program, raw gRPC clients, processes. */

export const EMULATOR_MAIN = resolve(import.meta.dirname, '..', '..', 'dist', 'lab', 'handshaker-main.js');

export function requireBuiltEmulator(): void {
  if (!existsSync(EMULATOR_MAIN)) throw new Error(`${EMULATOR_MAIN} is missing: run \`npm run build\` first`);
}

/** A process in its own process group, its stdout and stderr collected together. */
export class LoggedProcess {
  /** stdout and stderr as they came. */
  output = '';
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #running = true;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk) => {
      this.output += chunk;
      this.stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      this.output += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.#running = false;
        resolve({ code, signal });
      });
    });
  }

  get running(): boolean {
    return this.#running;
  }

  /** Resolves when the output matches; fails when the process ends first, or after `limitMs` (a guard, not a measure). */
  waitFor(pattern: RegExp, limitMs = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.output);
        if (match) finish(() => resolve(match));
        else if (!this.#running) finish(() => reject(new Error(`exited before printing ${pattern}:\n${this.output}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} after ${limitMs} ms:\n${this.output}`))), limitMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.child.stdout?.off('data', check);
        this.child.stderr?.off('data', check);
        this.child.off('close', check);
        settle();
      };
      this.child.stdout?.on('data', check);
      this.child.stderr?.on('data', check);
      this.child.on('close', check);
      check();
    });
  }

  /** SIGTERM to the whole group, SIGKILL if it is still there after a while. */
  async stop(): Promise<void> {
    if (!this.#running || this.child.pid === undefined) return;
    const group = -this.child.pid;
    signalGroup(group, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(group, 'SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(killer);
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch {
    // Already gone.
  }
}

export function startProcess(command: string, args: string[], options: SpawnOptions = {}): LoggedProcess {
  return new LoggedProcess(spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
}

type HandshakerClient = grpc.Client & { DoHandshake(): grpc.ClientDuplexStream<HandshakerReq, HandshakerResp> };

/** A grpc-js client of grpc.gcp.HandshakerService, built from the emulator's own .proto files. */
export function handshakerClient(address: string): HandshakerClient {
  const loaded = grpc.loadPackageDefinition(loadHandshakerProto()) as unknown as {
    grpc: { gcp: { HandshakerService: grpc.ServiceClientConstructor } };
  };
  return new loaded.grpc.gcp.HandshakerService(address, grpc.credentials.createInsecure()) as unknown as HandshakerClient;
}

/** One DoHandshake stream driven request by request: each `send` resolves with the response, or rejects with the stream's error status. */
export class RawHandshake {
  readonly #call: grpc.ClientDuplexStream<HandshakerReq, HandshakerResp>;
  readonly #waiting: { resolve: (response: HandshakerResp) => void; reject: (error: grpc.ServiceError) => void }[] = [];
  #failure: grpc.ServiceError | undefined;

  constructor(client: HandshakerClient) {
    this.#call = client.DoHandshake();
    this.#call.on('data', (response: HandshakerResp) => this.#waiting.shift()?.resolve(response));
    this.#call.on('error', (error: grpc.ServiceError) => {
      this.#failure = error;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    });
  }

  send(request: HandshakerReq): Promise<HandshakerResp> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#call.write(request);
    });
  }

  end(): void {
    this.#call.end();
  }
}

export const REKEY = 'ALTSRP_GCM_AES128_REKEY';
const RPC_VERSIONS = { max_rpc_version: { major: 2, minor: 1 }, min_rpc_version: { major: 2, minor: 1 } };

/** A client_start as grpc-go sends it. */
export function clientStart(targets: string[]): HandshakerReq {
  return {
    client_start: {
      handshake_security_protocol: 'ALTS',
      application_protocols: ['grpc'],
      record_protocols: [REKEY],
      target_identities: targets.map((account) => ({ service_account: account })),
      rpc_versions: RPC_VERSIONS,
    },
  };
}

/** A server_start as grpc-go sends it, with the bytes its first read got. */
export function serverStart(inBytes: Buffer): HandshakerReq {
  return {
    server_start: {
      application_protocols: ['grpc'],
      handshake_parameters: { '2': { record_protocols: [REKEY] } },
      in_bytes: inBytes,
      rpc_versions: RPC_VERSIONS,
    },
  };
}
