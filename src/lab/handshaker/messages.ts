/**
 * The grpc.gcp handshaker messages (handshaker.proto) as @grpc/proto-loader hands them over with
 * the options in handshaker-server.ts: field names as in the .proto, bytes as Buffers, enums as
 * names, absent fields undefined. Only the fields the emulator reads or writes are typed.
 */

export interface Identity {
  service_account?: string;
  hostname?: string;
}

export interface RpcProtocolVersions {
  max_rpc_version?: { major?: number; minor?: number };
  min_rpc_version?: { major?: number; minor?: number };
}

export interface StartClientHandshakeReq {
  handshake_security_protocol?: string;
  application_protocols?: string[];
  record_protocols?: string[];
  target_identities?: Identity[];
  local_identity?: Identity;
  target_name?: string;
  rpc_versions?: RpcProtocolVersions;
  max_frame_size?: number;
}

export interface ServerHandshakeParameters {
  record_protocols?: string[];
  local_identities?: Identity[];
}

export interface StartServerHandshakeReq {
  application_protocols?: string[];
  /** Keyed by the HandshakeProtocol number: "2" is ALTS. */
  handshake_parameters?: Record<string, ServerHandshakeParameters>;
  in_bytes?: Buffer;
  rpc_versions?: RpcProtocolVersions;
  max_frame_size?: number;
}

export interface HandshakerReq {
  client_start?: StartClientHandshakeReq;
  server_start?: StartServerHandshakeReq;
  next?: { in_bytes?: Buffer };
}

export interface HandshakerResult {
  application_protocol: string;
  record_protocol: string;
  key_data: Buffer;
  peer_identity: Identity;
  local_identity: Identity;
  keep_channel_open: boolean;
  peer_rpc_versions?: RpcProtocolVersions;
  max_frame_size: number;
}

export interface HandshakerResp {
  out_frames?: Buffer;
  bytes_consumed?: number;
  result?: HandshakerResult;
  status: { code: number; details: string };
}

/** HandshakeProtocol.ALTS, the key of the server's ALTS parameters in `handshake_parameters`. */
export const ALTS_PROTOCOL_NUMBER = 2;
