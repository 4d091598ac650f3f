import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import { importDocument } from '../../src/import/import-document.js';

/** Lines in the shapes documents have: prompts, fences, headings, prose, output, glued text. */
const documentLine = fc.oneof(
  fc.constantFrom(
    '```',
    '```bash',
    '```console',
    '```yaml',
    '~~~',
    '# Title',
    '## Clean up',
    '### Run `server`',
    'On `alts-server`:',
    'On your laptop:',
    'You should see:',
    '$ ./server &',
    '$ kill %1',
    '$ gcloud compute ssh vm-1',
    'user@host-1:~$ ls',
    '$ cat <<EOF',
    'EOF',
    '$ echo a \\',
    '> continued',
    '[1]',
    '...snip...',
    '---',
    '===',
    '<!-- comment',
    '$',
    '# comment',
    '* Recv failure: Connection reset by peer',
    'export SA=a-server@my-proj-1.iam.gserviceaccount.com',
    'a-server@my-proj-1.iam.gserviceaccount.com',
    '2020/06/08 21:58:11 Listening on :8080$ ./client2020/06/08 21:58:11 x',
    '',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((text) => `$ ${text}`),
);

describe('importDocument on any document', () => {
  it('never throws, and always writes a draft that parses', () => {
    fc.assert(
      fc.property(fc.array(documentLine, { maxLength: 40 }), (lines) => {
        const result = importDocument(lines.join('\n'), { source: 'doc.md', id: 'demo' });
        expect(() => parseTutorial(result.markdown, 'demo.md', 'demo')).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
