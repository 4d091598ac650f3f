import { describe, expect, it } from 'vitest';
import { redactForSnapshot } from '../../src/check/redact.js';

const redact = (line: string, variables: Record<string, string>) => redactForSnapshot(`${line}\n`, { variables }).trimEnd();

describe('a variable value is redacted only where it stands whole', () => {
  it.each([
    ['alts-server@my-proj.iam.gserviceaccount.com', { PROJECT: 'my-proj' }, 'alts-server@${PROJECT}.iam.gserviceaccount.com'],
    ['projects/my-proj/zones', { PROJECT: 'my-proj' }, 'projects/${PROJECT}/zones'],
    ['my-proj', { PROJECT: 'my-proj' }, '${PROJECT}'],
    ['my-project is another one', { PROJECT: 'my-proj' }, 'my-project is another one'],
    ['not in europe-west4-ab', { ZONE: 'europe-west4-a' }, 'not in europe-west4-ab'],
    ['alts and salts', { NAME: 'alt' }, 'alts and salts'],
    ['alt: salt, alt', { NAME: 'alt' }, '${NAME}: salt, ${NAME}'],
    ['x_alt alt_x 1alt', { NAME: 'alt' }, 'x_alt alt_x 1alt'],
    ['zone=eu-1.', { ZONE: 'eu-1' }, 'zone=${ZONE}.'],
    ['größere größe', { WORD: 'größe' }, 'größere ${WORD}'],
    // A value that starts or ends with a separator needs no boundary on that side.
    ['a:-x-:b', { SEP: '-x-' }, 'a:${SEP}:b'],
    ['a-x-b', { SEP: '-x-' }, 'a${SEP}b'],
  ])('%s with %o → %s', (line, variables, expected) => {
    expect(redact(line, variables)).toBe(expected);
  });

  it('finds a whole occurrence after one inside a word', () => {
    expect(redact('aaab aab', { V: 'aab' })).toBe('aaab ${V}');
  });
});
