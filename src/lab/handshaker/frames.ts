/**
 * The handshake frames the emulator hands to grpc-go (or Envoy) to send to the peer: the bytes of
 * `out_frames`, carried over the connection being secured and given back to the emulator by the
 * other side in `in_bytes`. Real ALTS frames carry certificates and key exchange; these carry only
 * what a reader should see travel: a connection id and the identities (docs/handshaker.md).
 *
 *   offset size
 *    0      4   length of the rest of the frame, big-endian
 *    4      4   magic "AEMU"
 *    8      1   kind: 1 ClientInit (client to server), 2 ServerInit (server to client)
 *    9     16   connection id, random, chosen by the emulator at client_start
 *   25      …   identities, UTF-8 JSON: ClientInit {"client": account, "targets": [account, …]},
 *               ServerInit {"server": account}
 */

const MAGIC = Buffer.from('AEMU', 'ascii');
const LENGTH_SIZE = 4;
const HEADER_SIZE = LENGTH_SIZE + MAGIC.length + 1 + 16;
/** Far above any real frame: a larger length field means the bytes are not a frame at all. */
export const MAX_FRAME_SIZE = 16 * 1024;

const FRAME_KIND = { clientInit: 1, serverInit: 2 } as const;

export type Frame =
  | { kind: 'client-init'; connectionId: string; client: string; targets: string[] }
  | { kind: 'server-init'; connectionId: string; server: string };

/** What the bytes received so far hold: a whole frame (and its size), not enough yet, or garbage. */
export type FrameRead = { kind: 'frame'; frame: Frame; size: number } | { kind: 'incomplete' } | { kind: 'invalid'; reason: string };

export function encodeFrame(frame: Frame): Buffer {
  const identities = frame.kind === 'client-init' ? { client: frame.client, targets: frame.targets } : { server: frame.server };
  const body = Buffer.from(JSON.stringify(identities), 'utf8');
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32BE(HEADER_SIZE - LENGTH_SIZE + body.length, 0);
  MAGIC.copy(header, LENGTH_SIZE);
  header.writeUInt8(frame.kind === 'client-init' ? FRAME_KIND.clientInit : FRAME_KIND.serverInit, LENGTH_SIZE + MAGIC.length);
  Buffer.from(frame.connectionId, 'hex').copy(header, LENGTH_SIZE + MAGIC.length + 1);
  return Buffer.concat([header, body]);
}

/** Reads the frame at the start of `bytes`; whatever follows it is not looked at. */
export function readFrame(bytes: Buffer): FrameRead {
  // Garbage is refused as soon as its first bytes show it, instead of waiting for more.
  const magicSeen = bytes.subarray(LENGTH_SIZE, LENGTH_SIZE + MAGIC.length);
  if (!magicSeen.equals(MAGIC.subarray(0, magicSeen.length))) return { kind: 'invalid', reason: 'no "AEMU" magic at offset 4' };
  if (bytes.length < LENGTH_SIZE) return { kind: 'incomplete' };
  const size = LENGTH_SIZE + bytes.readUInt32BE(0);
  if (size > MAX_FRAME_SIZE) return { kind: 'invalid', reason: `frame length ${size} is over ${MAX_FRAME_SIZE}` };
  if (size < HEADER_SIZE) return { kind: 'invalid', reason: `frame length ${size} is shorter than the ${HEADER_SIZE}-byte header` };
  if (bytes.length < size) return { kind: 'incomplete' };

  const kindByte = bytes.readUInt8(LENGTH_SIZE + MAGIC.length);
  const connectionId = bytes.subarray(LENGTH_SIZE + MAGIC.length + 1, HEADER_SIZE).toString('hex');
  let identities: unknown;
  try {
    identities = JSON.parse(bytes.subarray(HEADER_SIZE, size).toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'the identities are not JSON' };
  }
  const fields = (typeof identities === 'object' && identities !== null ? identities : {}) as Record<string, unknown>;
  if (kindByte === FRAME_KIND.clientInit) {
    const { client, targets } = fields;
    if (typeof client !== 'string' || !Array.isArray(targets) || !targets.every((t): t is string => typeof t === 'string')) {
      return { kind: 'invalid', reason: 'a ClientInit frame needs {"client": string, "targets": [string]}' };
    }
    return { kind: 'frame', frame: { kind: 'client-init', connectionId, client, targets }, size };
  }
  if (kindByte === FRAME_KIND.serverInit) {
    const { server } = fields;
    if (typeof server !== 'string') return { kind: 'invalid', reason: 'a ServerInit frame needs {"server": string}' };
    return { kind: 'frame', frame: { kind: 'server-init', connectionId, server }, size };
  }
  return { kind: 'invalid', reason: `unknown frame kind ${kindByte}` };
}
