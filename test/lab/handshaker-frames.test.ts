import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, type Frame, MAX_FRAME_SIZE, readFrame } from '../../src/lab/handshaker/frames.js';

const account = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}@[a-z0-9-]{1,20}\.iam\.gserviceaccount\.com$/);
const connectionId = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const frame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ kind: fc.constant('client-init' as const), connectionId, client: account, targets: fc.array(account, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('server-init' as const), connectionId, server: account }),
);

describe('handshake frames', () => {
  it('read back what was encoded, consuming exactly the frame and leaving what follows', () => {
    fc.assert(
      fc.property(frame, fc.uint8Array({ maxLength: 64 }), (original, extra) => {
        const bytes = encodeFrame(original);
        expect(readFrame(Buffer.concat([bytes, extra]))).toEqual({ kind: 'frame', frame: original, size: bytes.length });
      }),
    );
  });

  it('are incomplete at every cut short of their end', () => {
    fc.assert(
      fc.property(frame, fc.nat(), (original, cut) => {
        const bytes = encodeFrame(original);
        expect(readFrame(bytes.subarray(0, cut % bytes.length))).toEqual({ kind: 'incomplete' });
      }),
    );
  });

  it('refuse garbage as soon as the magic is wrong, without waiting for its declared length', () => {
    expect(readFrame(Buffer.from('\x00\x00\x00\x30GARBAGE'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('magic') });
    expect(readFrame(Buffer.from('\x00\x00\x00\x30AEX'))).toMatchObject({ kind: 'invalid' });
    expect(readFrame(Buffer.from('\x00\x00\x00\x30AE'))).toEqual({ kind: 'incomplete' });
  });

  it('refuse lengths beyond any real frame or shorter than the header', () => {
    const huge = Buffer.concat([Buffer.from([0x7f, 0, 0, 0]), Buffer.from('AEMU')]);
    expect(readFrame(huge)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining(String(MAX_FRAME_SIZE)) });
    expect(readFrame(Buffer.from('\x00\x00\x00\x05AEMU\x01'))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('header'),
    });
  });

  it('refuse an unknown kind, identities that are not JSON, and identities of the wrong shape', () => {
    const good = encodeFrame({ kind: 'server-init', connectionId: '00'.repeat(16), server: 'a@b' });
    const unknownKind = Buffer.from(good);
    unknownKind[8] = 9;
    expect(readFrame(unknownKind)).toEqual({ kind: 'invalid', reason: 'unknown frame kind 9' });

    const notJson = Buffer.from(good);
    notJson[25] = 0x7e;
    expect(readFrame(notJson)).toEqual({ kind: 'invalid', reason: 'the identities are not JSON' });

    const clientKind = Buffer.from(good);
    clientKind[8] = 1;
    expect(readFrame(clientKind)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('ClientInit') });
  });
});
