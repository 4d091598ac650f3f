import { describe, expect, it } from 'vitest';
import { classify, commandsOf, doc, FENCE } from './helpers.js';

describe('classifyDocument: fenced blocks', () => {
  it('reads "$ " prompts, the output under each, and keeps blank lines inside the output', () => {
    const { items } = classify(doc(FENCE, '$ ./run', 'first', '', 'second', '', '$ echo done', 'done', FENCE));
    expect(commandsOf(items)).toMatchObject([
      { text: './run', line: 2, prompted: true, output: ['first', '', 'second'] },
      { text: 'echo done', line: 7, output: ['done'] },
    ]);
  });

  it('takes the host of a user@host prompt, and none from a bare user prompt', () => {
    const { items } = classify(doc(FENCE, 'appuser@test:/app$ curl -s http://a', '{}', 'ubuntu$ docker ps', FENCE));
    const [remote, local] = commandsOf(items);
    expect(remote).toMatchObject({ text: 'curl -s http://a', promptHost: 'test', promptUser: 'appuser', output: ['{}'] });
    expect(local?.text).toBe('docker ps');
    expect(local).not.toHaveProperty('promptHost');
  });

  it('joins backslash continuations (and a transcript\'s "> " lines) and heredocs to their command', () => {
    const { items } = classify(
      doc(
        FENCE,
        '$ gcloud compute instances create vm \\',
        '>   --zone us-central1-a',
        'Created.',
        '$ cat <<EOF > a.txt',
        'x',
        'EOF',
        FENCE,
      ),
    );
    expect(commandsOf(items)).toMatchObject([
      { text: 'gcloud compute instances create vm \\\n  --zone us-central1-a', output: ['Created.'] },
      { text: 'cat <<EOF > a.txt\nx\nEOF', output: [] },
    ]);
  });

  it('takes shell comments above a command as its explanation, and output lines starting with # as output', () => {
    const { items } = classify(
      doc(`${FENCE}shell`, '# Apply the manifests', '$ kubectl apply -f .', '# not a comment', '', '# Then look', '$ ls', FENCE),
    );
    expect(commandsOf(items)).toMatchObject([
      { text: 'kubectl apply -f .', comments: ['Apply the manifests'], output: ['# not a comment'] },
      { text: 'ls', comments: ['Then look'] },
    ]);
  });

  it('groups the bare commands of a block, before its first prompt, into one script', () => {
    const { items } = classify(
      doc(`${FENCE}bash`, 'go build -o bin/client ./client', 'go build -o bin/server ./server', '', '$ ./bin/server', FENCE),
    );
    const [first, second, third] = commandsOf(items);
    expect(first?.group).toBeDefined();
    expect(second?.group).toBe(first?.group);
    expect(third).toMatchObject({ text: './bin/server', prompted: true });
    expect(third).not.toHaveProperty('group');
  });

  it('keeps a block that holds no command (logs) as an output-only block, and a yaml block as it is', () => {
    const { items } = classify(doc(`${FENCE}bash`, '[2020-06-09 12:59:52.818][37][debug] ALTS', FENCE, `${FENCE}yaml`, 'a: 1', FENCE));
    expect(items).toEqual([
      { kind: 'block', lang: 'bash', lines: ['[2020-06-09 12:59:52.818][37][debug] ALTS'], line: 1, outputOnly: true },
      { kind: 'block', lang: 'yaml', lines: ['a: 1'], line: 4, outputOnly: false },
    ]);
  });

  it('reports output that comes before the first command of its block as unclassified', () => {
    const { items } = classify(doc(FENCE, 'stray output', '$ ls', FENCE));
    expect(items[0]).toMatchObject({
      kind: 'unclassified',
      lines: ['stray output'],
      line: 2,
      reason: 'output before any command in its block',
    });
  });
});

describe('classifyDocument: plain text', () => {
  it('finds the title, headings, prose, bare commands and their output', () => {
    const { items } = classify(
      doc(
        'My Tutorial',
        '',
        'Some words that explain what happens next.',
        '',
        'Build It',
        '',
        'go build ./...',
        'ok',
        '',
        'Done here, really done.',
      ),
    );
    expect(items).toMatchObject([
      { kind: 'heading', depth: 1, text: 'My Tutorial', line: 1 },
      { kind: 'prose', text: 'Some words that explain what happens next.' },
      { kind: 'heading', depth: 2, text: 'Build It' },
      { kind: 'command', command: { text: 'go build ./...', prompted: false, output: ['ok'] } },
      { kind: 'prose', text: 'Done here, really done.' },
    ]);
  });

  it('lets output run on after a blank line, until a sentence', () => {
    const { items } = classify(doc('Title', '', '$ ./check', 'part one', '', 'part two', '', 'That was the output of the check.'));
    expect(commandsOf(items)[0]?.output).toEqual(['part one', '', 'part two']);
    expect(items.at(-1)).toMatchObject({ kind: 'prose', text: 'That was the output of the check.' });
  });

  it('splits glued commands and reports the split', () => {
    const { items, report } = classify(
      doc('Title', '', 'gcloud iam service-accounts create a-server --display-name "A"gcloud iam service-accounts list'),
    );
    expect(commandsOf(items).map((command) => command.text)).toEqual([
      'gcloud iam service-accounts create a-server --display-name "A"',
      'gcloud iam service-accounts list',
    ]);
    expect(report.guesses[0]).toMatchObject({ line: 3, message: expect.stringContaining('split glued text into 2 lines') });
  });

  it('joins the fragments a scraper left on lines of their own back into the sentence', () => {
    const lines = ['Title', 'Copy server.yaml', 'to alts-server', 'and client.yaml', 'to alts-client', 'On alts-server', ':'];
    const { items } = classify(doc(...lines, ...Array.from({ length: 14 }, (_, index) => `Line number ${index} of filler`)));
    expect(items[1]).toMatchObject({ kind: 'prose', text: 'Copy server.yaml to alts-server and client.yaml to alts-client' });
    expect(items[2]).toMatchObject({ kind: 'prose', text: 'On alts-server:' });
  });

  it('keeps output that follows no command as unclassified', () => {
    const { items } = classify(doc('Title', '', 'Look at this:', '', '< HTTP/1.1 200 OK', '< server: envoy'));
    expect(items.at(-1)).toMatchObject({ kind: 'unclassified', lines: ['< HTTP/1.1 200 OK', '< server: envoy'], line: 5 });
  });
});
