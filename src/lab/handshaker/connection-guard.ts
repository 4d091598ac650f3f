import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** A connection that sends no handshake request for this long is closed. */
  idleMs: number;
  /** Connections open at once; one more is refused (closed at once) and logged. */
  maxConnections: number;
}

/** Lines of one kind written at most this often; the ones left out are counted in the next. */
const LOG_EVERY_MS = 1000;

/**
 * Keeps the emulator's TCP connections bounded: without it an idle client (or thousands of them)
 * kept a file descriptor each until the process died at its limit. Until a connection's first
 * bytes it is the guard's: silent for `idleMs`, it is closed here. Then it is handed to grpc-js
 * (the bytes read put back), whose `grpc.max_connection_idle_ms` closes it when no call is open
 * for `idleMs`; it cannot be closed from here any more, since HTTP/2 owns the socket's handle.
 */
export class ConnectionGuard {
  readonly #open = new Set<Socket>();
  readonly #refusals: ThrottledLog;
  readonly #idleCloses: ThrottledLog;

  constructor(
    private readonly limits: ConnectionLimits,
    log: (line: string) => void,
  ) {
    this.#refusals = new ThrottledLog(log);
    this.#idleCloses = new ThrottledLog(log);
  }

  get size(): number {
    return this.#open.size;
  }

  /** A new connection: refused when `maxConnections` are open, else handed to `serve` once it speaks. */
  admit(socket: Socket, serve: (socket: Socket) => void): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => socket.destroy());
    if (this.#open.size >= this.limits.maxConnections) {
      socket.destroy();
      this.#refusals.write(
        `refused connection from ${peer}: ${this.#open.size} connections open, the limit (--max-connections ${this.limits.maxConnections})`,
      );
      return;
    }
    this.#open.add(socket);
    socket.once('close', () => this.#open.delete(socket));
    const timer = setTimeout(() => {
      socket.destroy();
      this.#idleCloses.write(`closed connection from ${peer}: idle for ${this.limits.idleMs / 1000}s (--idle-timeout)`);
    }, this.limits.idleMs);
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      socket.pause();
      socket.unshift(chunk);
      serve(socket);
    });
  }

  closeAll(): void {
    for (const socket of this.#open) socket.destroy();
  }
}

/** Writes a line unless one was written in the last second; counts those left out. */
class ThrottledLog {
  #lastAt = Number.NEGATIVE_INFINITY;
  #leftOut = 0;

  constructor(private readonly log: (line: string) => void) {}

  write(line: string): void {
    const now = Date.now();
    if (now - this.#lastAt < LOG_EVERY_MS) {
      this.#leftOut++;
      return;
    }
    this.#lastAt = now;
    const more = this.#leftOut > 0 ? ` (and ${this.#leftOut} more like it since the last such line)` : '';
    this.#leftOut = 0;
    this.log(`${new Date(now).toISOString()} ${line}${more}`);
  }
}
