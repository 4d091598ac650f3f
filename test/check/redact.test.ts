import { describe, expect, it } from 'vitest';
import { matchOutput } from '../../src/check/match-output.js';
import { redactForSnapshot } from '../../src/check/redact.js';

const variables = { PROJECT_ID: 'my-project-42', ZONE: 'us-central1-a', SHORT: 'ab' };

describe('redactForSnapshot', () => {
  it('writes normalized, redacted lines ending with a newline', () => {
    const output =
      '\n\x1b[32mstarted\x1b[0m at 2020-06-09T12:59:52Z   on 10.0.0.1:443\r\nrequest 123e4567-e89b-12d3-a456-426614174000 took 250ms\n\n';
    expect(redactForSnapshot(output, { variables: {} })).toBe('started at [TIMESTAMP] on [IP]\nrequest [UUID] took [DURATION]\n');
  });

  it('is empty for no output', () => {
    expect(redactForSnapshot(' \n\n', { variables: {} })).toBe('');
  });

  it('writes variable values as ${NAME}, longest first, skipping values under three characters', () => {
    const output = 'projects/my-project-42/zones/us-central1-a ab\n';
    expect(redactForSnapshot(output, { variables: { ...variables, PROJECT: 'my-project' } })).toBe(
      'projects/${PROJECT_ID}/zones/${ZONE} ab\n',
    );
  });

  it('writes secrets as [SECRET]', () => {
    expect(redactForSnapshot('token=s3cr3t-value ok\n', { variables: {}, secrets: ['s3cr3t-value'] })).toBe('token=[SECRET] ok\n');
  });

  it('keeps the text of lines a previous expected line matched', () => {
    const previous = ['Listening on [..]', 'pid \\d+ (re)', '...', 'ready'];
    const output = 'Listening on :8080\npid 4242\nloading a\nloading b\nready\nnew line 2020-06-09T12:00:00Z\n';
    expect(redactForSnapshot(output, { variables: {}, previous })).toBe(
      'Listening on [..]\npid \\d+ (re)\n...\nready\nnew line [TIMESTAMP]\n',
    );
  });

  it('writes afresh the lines no previous line matched', () => {
    const previous = ['Listening on [..]', 'status: ok'];
    expect(redactForSnapshot('Listening on :80\nstatus: failed\n', { variables: {}, previous })).toBe(
      'Listening on [..]\nstatus: failed\n',
    );
  });

  it.each([
    ['a literal token', 'value [UUID] printed'],
    ['a literal wildcard', 'glob [..] printed'],
    ['a literal variable reference', 'echo $PROJECT_ID'],
    ['a line of three dots', '...'],
    ['a line ending in (re)', 'matched (re)'],
    ['brackets around a token value', '[[2020-06-09 12:59:52.818]]'],
  ])('writes %s so that it still matches itself', (_name, line) => {
    const snapshot = redactForSnapshot(`${line}\n`, { variables });
    expect(matchOutput(snapshot.split('\n'), `${line}\n`, { mode: 'lines', variables }).ok).toBe(true);
    expect(snapshot).not.toBe('...\n');
  });
});
