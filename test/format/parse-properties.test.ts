import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineError, TutorialError, UserError } from '../../src/errors.js';
import { parseAttributes } from '../../src/format/attributes.js';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import { decodeTutorialText, firstInvalidUtf8 } from '../../src/format/tutorial-text.js';

/** The documented errors of parsing; anything else thrown (TypeError, RangeError…) is a bug. */
function documented(error: unknown): boolean {
  return error instanceof TutorialError || error instanceof LineError || error instanceof UserError;
}

const KEYS = [
  'name',
  'host',
  'targets',
  'background',
  'ready',
  'timeout',
  'exit',
  'expect',
  'confirm',
  'teardown',
  'interactive',
  'cwd',
  'retry',
  'stop',
  'output',
  'bogus',
];
const VALUES = [
  'x',
  'a-b',
  '""',
  '"a b"',
  '"say \\"hi\\""',
  '/re(/',
  'port:80',
  'port:99999',
  'http://h/',
  '30s',
  '5x',
  '3x10s',
  '0',
  '256',
  'true',
  'no',
  '..',
  'a/b',
  '{',
  '}',
  '',
];

const attribute = fc.oneof(
  fc.constantFrom(...KEYS),
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES, ...KEYS)).map(([key, value]) => `${key}=${value}`),
  fc.string({ maxLength: 12 }),
);
const attributes = fc.array(attribute, { maxLength: 5 }).map((parts) => `{ ${parts.join(' ')} }`);
const lang = fc.constantFrom('sh', 'bash', 'shell', 'console', 'output', 'text', 'go', 'yaml', '');
const fence = fc.constantFrom('```', '~~~', '````', '```  ', '');
const line = fc.oneof(
  fc.constantFrom(
    '',
    '# Heading',
    '## Run it',
    '$ echo hi',
    '> continued',
    'hi',
    '...',
    '[1]',
    '---',
    'title: x',
    '- item',
    '  - nested',
    '> quote',
    '    indented',
    'id: ../x',
    'targets: {}',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
const block = fc
  .tuple(
    fence,
    lang,
    fc.oneof(attributes, fc.constant('')),
    fc.array(line, { maxLength: 4 }),
    fc.boolean(),
    fc.constantFrom('', '  ', '> ', '- '),
  )
  .map(([open, language, attrs, body, closed, indent]) =>
    [
      `${indent}${open}${language} ${attrs}`,
      ...body.map((text) => `${indent}${text}`),
      ...(closed ? [`${indent}${open.trim()}`] : []),
    ].join('\n'),
  );
const frontMatter = fc.array(
  fc.constantFrom(
    'title: T',
    'id: demo',
    'id: ..',
    'requires: [go]',
    'variables: { A: 1 }',
    'targets: { lab: { hosts: { h: local } } }',
    'x: [',
    ': :',
  ),
  { maxLength: 3 },
);
const documents = fc
  .tuple(fc.boolean(), frontMatter, fc.array(fc.oneof(block, line), { maxLength: 8 }))
  .map(([withFrontMatter, yaml, parts]) => `${withFrontMatter ? `---\n${yaml.join('\n')}\n---\n` : ''}${parts.join('\n')}\n`);

describe('parsing random documents', () => {
  it('returns a tutorial or throws a documented error, never anything else', () => {
    fc.assert(
      fc.property(documents, fc.constantFrom('demo', '..', 'a'), (text, id) => {
        try {
          const tutorial = parseTutorial(text, 'tutorials/demo.md', id);
          expect(tutorial.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
          for (const step of tutorial.steps) expect(step.name).toMatch(/^[A-Za-z0-9][\w.-]*$/);
        } catch (error) {
          if (!documented(error)) throw error;
          if (error instanceof TutorialError) expect(error.message).not.toMatch(/[\n\r]/);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('random attribute text parses or throws an Error with a message, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(attributes, fc.string({ maxLength: 40 })), (text) => {
        try {
          parseAttributes(text);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect(error).not.toBeInstanceOf(TypeError);
          expect(error).not.toBeInstanceOf(RangeError);
          expect((error as Error).message).not.toBe('');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes are decoded exactly when WHATWG UTF-8 accepts them', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(bytes) === -1).toBe(valid);
        try {
          decodeTutorialText(bytes);
          expect(valid && !bytes.includes(0)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(LineError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
