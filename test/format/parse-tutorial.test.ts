import { describe, expect, it } from 'vitest';
import type { OutputSpan, Step } from '../../src/format/tutorial.js';
import { FENCE, FILE, fixture, lineOf, md, onlyStep, parse, parseError, stepNamed } from './helpers.js';

const walkthrough = fixture('walkthrough.md');

/** Where a step's shown output stands in the page (what -u rewrites). */
function span(line: number, lineCount: number, block: OutputSpan['block'], prefix = ''): OutputSpan {
  return { line, lineCount, prefix, block };
}

describe('parseTutorial: a whole tutorial', () => {
  const tutorial = parse(walkthrough, 'walkthrough');

  it('finds every sh, bash, shell and console command, in order, and nothing else', () => {
    expect(tutorial.steps.map((step) => [step.name, step.kind, step.command])).toEqual([
      ['build-1', 'script', 'go build ./...\necho built'],
      ['build-2', 'command', 'go version'],
      ['build-3', 'command', 'echo one \\\ntwo'],
      ['build-4', 'command', 'false'],
      ['run-server-1', 'script', './server --port 50051'],
      ['call', 'script', './client --name world'],
      ['run-server-3', 'script', 'echo three'],
      ['steps-in-containers-1', 'script', 'ls -la'],
      ['steps-in-containers-2', 'command', 'echo nested'],
      ['steps-in-containers-3', 'script', 'echo quoted'],
      ['steps-in-containers-4', 'script', 'echo done'],
    ]);
  });

  it('gives each step the source line of its command (the first line inside the fence for scripts)', () => {
    const lines = Object.fromEntries(tutorial.steps.map((step) => [step.name, step.line]));
    expect(lines).toEqual({
      'build-1': lineOf(walkthrough, 'go build ./...'),
      'build-2': lineOf(walkthrough, '$ go version'),
      'build-3': lineOf(walkthrough, '$ echo one'),
      'build-4': lineOf(walkthrough, '$ false'),
      'run-server-1': lineOf(walkthrough, './server --port'),
      call: lineOf(walkthrough, './client --name'),
      'run-server-3': lineOf(walkthrough, 'echo three'),
      'steps-in-containers-1': lineOf(walkthrough, 'ls -la'),
      'steps-in-containers-2': lineOf(walkthrough, '$ echo nested'),
      'steps-in-containers-3': lineOf(walkthrough, 'echo quoted'),
      'steps-in-containers-4': lineOf(walkthrough, 'echo done'),
    });
  });

  it('attaches output blocks and transcript lines as expected output, with their first line', () => {
    const expected = Object.fromEntries(tutorial.steps.map((step) => [step.name, step.expected]));
    expect(expected).toEqual({
      'build-1': { lines: ['built'], line: 23, span: span(23, 1, 'fence') },
      'build-2': {
        lines: ['go version go1.22.0 linux/amd64'],
        line: lineOf(walkthrough, 'go version go1'),
        span: span(lineOf(walkthrough, 'go version go1'), 1, 'transcript'),
      },
      'build-3': { lines: ['one two'], line: lineOf(walkthrough, 'one two'), span: span(lineOf(walkthrough, 'one two'), 1, 'transcript') },
      'build-4': { lines: [], line: 35, span: span(35, 0, 'transcript') },
      'run-server-1': undefined,
      call: { lines: ['Greeting: Hello world'], line: 51, span: span(51, 1, 'fence') },
      'run-server-3': undefined,
      'steps-in-containers-1': undefined,
      'steps-in-containers-2': { lines: ['nested'], line: 86, span: span(86, 1, 'transcript', '   ') },
      'steps-in-containers-3': undefined,
      'steps-in-containers-4': undefined,
    });
  });

  it('takes the exit status from a cram [N] line', () => {
    expect(stepNamed(tutorial, 'build-4').exit).toBe(1);
    expect(stepNamed(tutorial, 'build-3').exit).toBe(0);
  });

  it('gives each step the nearest heading as its section', () => {
    expect(tutorial.steps.map((step) => step.section)).toEqual([
      ...Array(4).fill('Build'),
      ...Array(3).fill('Run Server'),
      ...Array(4).fill('Steps in containers'),
    ]);
  });

  it('gives each step the Markdown between the previous step or heading and its block', () => {
    expect(stepNamed(tutorial, 'build-1').prose).toBe('Build the binaries:');
    expect(stepNamed(tutorial, 'build-2').prose).toBe('Then check the version.');
    // Every command of a transcript shares the prose before its block.
    expect(stepNamed(tutorial, 'build-3').prose).toBe('Then check the version.');
    expect(stepNamed(tutorial, 'run-server-1').prose).toBe('Start the server in the background.');
    expect(stepNamed(tutorial, 'call').prose).toBe('');
    expect(stepNamed(tutorial, 'steps-in-containers-1').prose).toBe('First, list files:');
    expect(stepNamed(tutorial, 'steps-in-containers-2').prose).toBe('Then print:');
    expect(stepNamed(tutorial, 'steps-in-containers-3').prose).toBe('Note: inside a quote');
  });

  it('keeps yaml, go and text blocks in the prose of the next step', () => {
    const { prose } = stepNamed(tutorial, 'run-server-3');
    expect(prose.startsWith('The configuration, for reference:')).toBe(true);
    expect(prose).toContain('```yaml\nkey: value\n```');
    expect(prose).toContain('fmt.Println("not a step")');
    expect(prose).toContain('not a step either');
    expect(prose.endsWith('Prose after the examples.')).toBe(true);
  });

  it('reads the attributes of the fence', () => {
    expect(stepNamed(tutorial, 'run-server-1')).toMatchObject({ background: true, ready: { kind: 'output', pattern: /listening on/ } });
    expect(stepNamed(tutorial, 'steps-in-containers-4').stop).toBe('run-server-1');
  });

  it('takes the title from the front matter and keeps the id and file', () => {
    expect(tutorial).toMatchObject({ title: 'Fixture walkthrough', id: 'walkthrough', file: FILE, frontMatterLine: 1 });
  });

  it('gives the same result for CRLF line endings and a byte order mark', () => {
    expect(parse(walkthrough.replace(/\n/g, '\r\n'), 'walkthrough')).toEqual(tutorial);
    expect(parse(`\uFEFF${walkthrough}`, 'walkthrough')).toEqual(tutorial);
  });
});

describe('parseTutorial: script steps', () => {
  it.each(['sh', 'bash', 'shell', 'SH', 'bash {}'])(
    'a %s block is one script step whose line is the first line inside the fence',
    (info) => {
      const step = onlyStep(md('# T', '', `${FENCE}${info}`, 'echo one', 'echo two', FENCE));
      expect(step).toMatchObject({ kind: 'script', command: 'echo one\necho two', line: 4 });
      expect(step.expected).toBeUndefined();
    },
  );

  it('a ~~~ fence is a step as well', () => {
    expect(onlyStep(md('~~~bash', 'echo hi', '~~~'))).toMatchObject({ kind: 'script', command: 'echo hi', line: 2 });
  });

  it('gives a step the defaults of the attribute table', () => {
    const step = onlyStep(md(`${FENCE}sh`, 'echo hi', FENCE));
    expect(step).toEqual({
      name: 'step-1',
      section: '',
      prose: '',
      kind: 'script',
      command: 'echo hi',
      line: 2,
      host: 'local',
      background: false,
      exit: 0,
      expect: 'lines',
      confirm: false,
      teardown: false,
      interactive: false,
    } satisfies Step);
  });

  it.each(['yaml', 'go', 'text', 'json', 'console-like', ''])('a %j block is prose, not a step', (lang) => {
    const tutorial = parse(md(`${FENCE}${lang}`, 'echo hi', FENCE, '', `${FENCE}sh`, 'true', FENCE));
    expect(tutorial.steps.map((step) => step.command)).toEqual(['true']);
    expect(tutorial.steps[0]?.prose).toBe(`${FENCE}${lang}\necho hi\n${FENCE}`);
  });

  it('an indented code block is prose, even when it looks like a command', () => {
    const tutorial = parse(md('Text:', '', '    $ rm -rf /', '', `${FENCE}sh`, 'true', FENCE));
    expect(tutorial.steps.map((step) => step.command)).toEqual(['true']);
  });

  it('carries every attribute of the fence to the step', () => {
    const step = onlyStep(
      md(
        '---',
        'targets: { lab: { hosts: { server: { netns: s } } }, gcp: {} }',
        '---',
        `${FENCE}sh { name=serve host=server targets=lab background ready=port:50051 timeout=30s exit=3 expect=contains confirm teardown interactive=false cwd=server retry=3x10s }`,
        './server',
        FENCE,
      ),
    );
    expect(step).toMatchObject({
      name: 'serve',
      host: 'server',
      targets: ['lab'],
      background: true,
      ready: { kind: 'port', port: 50051 },
      timeout: 30_000,
      exit: 3,
      expect: 'contains',
      confirm: true,
      teardown: true,
      interactive: false,
      cwd: 'server',
      retry: { attempts: 3, delay: 10_000 },
    });
  });

  it('keeps \\" escapes of quoted attribute values (which marked would strip from the language)', () => {
    const step = onlyStep(md(`${FENCE}sh { background ready="say \\"hi\\"" }`, './server', FENCE));
    expect(step.ready).toEqual({ kind: 'output', pattern: /say "hi"/ });
  });

  it("reads Runme's JSON attributes on the fence", () => {
    const step = onlyStep(md(`${FENCE}sh {"name":"x","background":true,"ready":"a\\"b"}`, './server', FENCE));
    expect(step).toMatchObject({ name: 'x', background: true, ready: { kind: 'output', pattern: /a"b/ } });
  });

  it.each([
    ['kubectl delete pod web', true],
    ['gcloud compute instances delete vm --quiet', true],
    ['sudo ip netns add lab', true],
    ['iptables -t mangle -L', true],
    ['ip6tables -F', true],
    ['./create_iptables.sh', true],
    ['./clean-router.sh --delete-all', true],
    ['echo deleted', false],
    ['./undelete', false],
    ['ls -la', false],
  ])('confirm is automatically on for destructive commands: %j -> %s', (command, confirm) => {
    expect(onlyStep(md(`${FENCE}sh`, command, FENCE)).confirm).toBe(confirm);
  });

  it('an explicit confirm overrides the automatic one', () => {
    expect(onlyStep(md(`${FENCE}sh { confirm=false }`, 'sudo true', FENCE)).confirm).toBe(false);
    expect(onlyStep(md(`${FENCE}sh { confirm }`, 'ls', FENCE)).confirm).toBe(true);
  });
});

describe('parseTutorial: transcripts', () => {
  it('a console block splits into one step per $ command', () => {
    const { steps } = parse(md('## Check', '', `${FENCE}console`, '$ echo a', 'a', '$ echo b', 'b', 'b2', FENCE));
    expect(
      steps.map((step) => ({ name: step.name, kind: step.kind, command: step.command, line: step.line, expected: step.expected })),
    ).toEqual([
      { name: 'check-1', kind: 'command', command: 'echo a', line: 4, expected: { lines: ['a'], line: 5, span: span(5, 1, 'transcript') } },
      {
        name: 'check-2',
        kind: 'command',
        command: 'echo b',
        line: 6,
        expected: { lines: ['b', 'b2'], line: 7, span: span(7, 2, 'transcript') },
      },
    ]);
  });

  it.each(['sh', 'bash', 'shell'])('a %s block whose first non-blank line starts with "$ " is a transcript', (lang) => {
    const { steps } = parse(md(`${FENCE}${lang}`, '', '$ echo a', 'a', '$ true', FENCE));
    expect(steps.map((step) => [step.kind, step.command, step.line])).toEqual([
      ['command', 'echo a', 3],
      ['command', 'true', 5],
    ]);
  });

  it('joins "> " continuation lines with a newline and starts the output below them', () => {
    const step = onlyStep(md(`${FENCE}console`, '$ kubectl run x \\', '>   --image=nginx', 'pod/x created', FENCE));
    expect(step.command).toBe('kubectl run x \\\n  --image=nginx');
    expect(step.expected).toEqual({ lines: ['pod/x created'], line: 4, span: span(4, 1, 'transcript') });
  });

  it('a cram [N] last line becomes the exit status, unless exit= is given', () => {
    const { steps } = parse(
      md(`${FENCE}console`, '$ grep x none', '[2]', FENCE, '', `${FENCE}console { exit=1 }`, '$ false', '[2]', FENCE),
    );
    expect(steps.map((step) => step.exit)).toEqual([2, 1]);
    // No output lines: -u inserts them above the [N] line.
    expect(steps[0]?.expected).toEqual({ lines: [], line: 3, span: span(3, 0, 'transcript') });
  });

  it('name= on a multi-command transcript gives name-1, name-2; on a single command, the name itself', () => {
    const { steps } = parse(
      md(`${FENCE}console { name=check }`, '$ echo a', '$ echo b', FENCE, '', `${FENCE}console { name=single }`, '$ echo c', FENCE),
    );
    expect(steps.map((step) => step.name)).toEqual(['check-1', 'check-2', 'single']);
  });

  it('attributes of the block apply to each of its commands', () => {
    const { steps } = parse(md(`${FENCE}console { expect=contains timeout=5s }`, '$ echo a', '$ echo b', FENCE));
    expect(steps.map((step) => [step.expect, step.timeout])).toEqual([
      ['contains', 5000],
      ['contains', 5000],
    ]);
  });

  it('an output block after a transcript attaches to its last command when that shows no output', () => {
    const { steps } = parse(md(`${FENCE}console`, '$ echo a', 'a', '$ echo b', FENCE, `${FENCE}output`, 'b', FENCE));
    expect(steps.map((step) => step.expected)).toEqual([
      { lines: ['a'], line: 3, span: span(3, 1, 'transcript') },
      { lines: ['b'], line: 7, span: span(7, 1, 'fence') },
    ]);
  });
});

describe('parseTutorial: output blocks', () => {
  it.each(['output', 'text { output }', 'text {"output":true}'])('a %j block right after a step is its expected output', (info) => {
    const step = onlyStep(md(`${FENCE}sh`, 'printf "a\\n\\nb\\n"', FENCE, '', `${FENCE}${info}`, 'a', '', 'b', FENCE));
    expect(step.expected).toEqual({ lines: ['a', '', 'b'], line: 6, span: span(6, 3, 'fence') });
  });

  it('a text block without { output } stays prose and attaches nothing', () => {
    const { steps } = parse(md(`${FENCE}sh`, 'echo a', FENCE, `${FENCE}text`, 'a', FENCE, `${FENCE}sh`, 'echo b', FENCE));
    expect(steps[0]?.expected).toBeUndefined();
    expect(steps[1]?.prose).toBe(`${FENCE}text\na\n${FENCE}`);
  });

  it('an output block inside the same list item as its step attaches to it', () => {
    const step = onlyStep(md('1. Run:', '', `   ${FENCE}sh`, '   echo hi', `   ${FENCE}`, `   ${FENCE}output`, '   hi', `   ${FENCE}`));
    expect(step.expected).toEqual({ lines: ['hi'], line: 7, span: span(7, 1, 'fence', '   ') });
  });
});

describe('parseTutorial: names', () => {
  it('default names are the slug of the section and the index in the section', () => {
    const { steps } = parse(
      md(
        '## Run Server',
        `${FENCE}sh`,
        'a',
        FENCE,
        `${FENCE}sh`,
        'b',
        FENCE,
        '## Call it!',
        `${FENCE}sh`,
        'c',
        FENCE,
        '### Run Server',
        `${FENCE}sh`,
        'd',
        FENCE,
      ),
    );
    expect(steps.map((step) => step.name)).toEqual(['run-server-1', 'run-server-2', 'call-it-1', 'run-server-3']);
  });

  it('steps before any heading are step-1, step-2', () => {
    const { steps } = parse(md('Intro.', `${FENCE}sh`, 'a', FENCE, `${FENCE}bash`, 'b', FENCE));
    expect(steps.map((step) => [step.name, step.section])).toEqual([
      ['step-1', ''],
      ['step-2', ''],
    ]);
  });

  it('a heading with no letters or digits also gives step-N names', () => {
    expect(onlyStep(md('## ???', `${FENCE}sh`, 'a', FENCE)).name).toBe('step-1');
  });

  it('headings with the same slug share one count, so their names do not collide', () => {
    const { steps } = parse(md('## Run server', `${FENCE}sh`, 'a', FENCE, '## Run Server!', `${FENCE}sh`, 'b', FENCE));
    expect(steps.map((step) => [step.name, step.section])).toEqual([
      ['run-server-1', 'Run server'],
      ['run-server-2', 'Run Server!'],
    ]);
  });

  it('a named step still takes its index, so the names of the others stay put', () => {
    const { steps } = parse(md('## Run', `${FENCE}sh { name=first }`, 'a', FENCE, `${FENCE}sh`, 'b', FENCE));
    expect(steps.map((step) => step.name)).toEqual(['first', 'run-2']);
  });

  it('the section is the text of the nearest heading of any level, setext included', () => {
    const { steps } = parse(md('# Top', '### Deep one', `${FENCE}sh`, 'a', FENCE, 'Setext', '------', `${FENCE}sh`, 'b', FENCE));
    expect(steps.map((step) => [step.section, step.name])).toEqual([
      ['Deep one', 'deep-one-1'],
      ['Setext', 'setext-1'],
    ]);
  });
});

describe('parseTutorial: title', () => {
  it.each([
    ['the front matter title', md('---', 'title: From YAML', '---', '# From Heading'), 'From YAML'],
    ['the first H1', md('## Second level', '', '# From Heading', '', '# Later'), 'From Heading'],
    ['a setext H1', md('Setext Title', '============'), 'Setext Title'],
    ['the id without a title or H1', md('## Only H2', '', 'text'), 'demo-id'],
  ])('is %s', (_case, markdown, title) => {
    expect(parse(markdown, 'demo-id').title).toBe(title);
  });
});

describe('parseTutorial: line numbers and prose around other Markdown', () => {
  it('counts lines correctly after front matter, link definitions, HTML, tables, setext headings and indented code', () => {
    const source = md(
      '---',
      'title: t',
      '---',
      '## S',
      'para',
      `${FENCE}sh`,
      'L7',
      FENCE,
      '[a]: http://example.test',
      '',
      `${FENCE}sh`,
      'L12',
      FENCE,
      '<!-- comment -->',
      `${FENCE}sh`,
      'L16',
      FENCE,
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
      `${FENCE}sh`,
      'L23',
      FENCE,
      'Setext',
      '---',
      '    indented',
      '    code',
      '',
      `${FENCE}sh`,
      'L31',
      FENCE,
      `  ${FENCE}sh`,
      '  L34',
      `  ${FENCE}`,
      '***',
      `${FENCE}sh`,
      'L38',
      FENCE,
    );
    const { steps } = parse(source);
    expect(steps.map((step) => [step.command, step.line])).toEqual(
      ['L7', 'L12', 'L16', 'L23', 'L31', 'L34', 'L38'].map((command) => [command, Number(command.slice(1))]),
    );
  });

  it('finds steps nested in list items, sub-lists and blockquotes at their lines', () => {
    const source = md(
      '1. Install:',
      '',
      `   ${FENCE}sh`,
      '   echo L4',
      `   ${FENCE}`,
      '',
      '   - Nested:',
      '',
      `     ${FENCE}console`,
      '     $ echo L10',
      '     L10',
      `     ${FENCE}`,
      '',
      '> Quoted:',
      '>',
      `> ${FENCE}bash`,
      '> echo L17',
      `> ${FENCE}`,
      '',
      '> - In a list in a quote',
      '>',
      `>   ${FENCE}sh`,
      '>   echo L23',
      `>   ${FENCE}`,
    );
    const { steps } = parse(source);
    expect(steps.map((step) => [step.command, step.line, step.prose])).toEqual([
      ['echo L4', 4, 'Install:'],
      ['echo L10', 10, 'Nested:'],
      ['echo L17', 17, 'Quoted:'],
      ['echo L23', 23, 'In a list in a quote'],
    ]);
    expect(steps[1]?.expected).toEqual({ lines: ['L10'], line: 11, span: span(11, 1, 'transcript', '     ') });
  });

  it('a fence on the list marker line is found at that line, not at a later identical fence', () => {
    const { steps } = parse(
      md(`- ${FENCE}sh`, '  echo L2', `  ${FENCE}`, `- ${FENCE}sh`, '  echo L5', `  ${FENCE}`, '', `${FENCE}sh`, 'echo L9', FENCE),
    );
    expect(steps.map((step) => [step.command, step.line])).toEqual([
      ['echo L2', 2],
      ['echo L5', 5],
      ['echo L9', 9],
    ]);
  });

  it('a list item whose text recurs later is still located at its own line', () => {
    const { steps } = parse(md('- Start:', `  ${FENCE}sh`, '  echo L3', `  ${FENCE}`, '- Then', `  ${FENCE}sh`, '  Start:', `  ${FENCE}`));
    expect(steps.map((step) => [step.command, step.line])).toEqual([
      ['echo L3', 3],
      ['Start:', 7],
    ]);
  });

  it('keeps list markers and quote marks in prose when the list or quote holds no code', () => {
    const step = onlyStep(
      md('## S', '', 'Steps:', '', '- install go', '- install gcloud', '', '> note', '> more', '', `${FENCE}sh`, 'x', FENCE),
    );
    expect(step.prose).toBe('Steps:\n\n- install go\n- install gcloud\n\n> note\n> more');
  });

  it('a heading resets the prose', () => {
    const step = onlyStep(md('Before.', '', '## S', '', 'After.', `${FENCE}sh`, 'x', FENCE));
    expect(step.prose).toBe('After.');
  });
});

describe('parseTutorial: malformed tutorials', () => {
  const F = FENCE;
  const targets = ['---', 'targets:', '  gcp: { hosts: { alts-server: { gce: vm } } }', '  lab: {}', '---'];

  it.each<[string, string[], string]>([
    ['an unknown attribute', ['# T', '', `${F}sh { name=x colour=red }`, 'true', F], '3: unknown attribute "colour"'],
    ['an unterminated quote', ['', `${F}bash { ready="listening }`, 'true', F], '2: unterminated quoted value'],
    ['a bad timeout', [`${F}sh { timeout=soon }`, 'true', F], '1: timeout must look like 30s, 5m or 250ms, not "soon"'],
    ['exit=300', [`${F}sh { exit=300 }`, 'true', F], '1: exit must be a whole number from 0 to 255, not "300"'],
    ['expect=bogus', [`${F}console { expect=bogus }`, '$ true', F], '1: expect must be one of lines, contains, exact, none, not "bogus"'],
    ['background=maybe', [`${F}sh { background=maybe }`, 'true', F], '1: background must be true or false, not "maybe"'],
    ['a malformed attribute of an output block', [`${F}sh`, 'true', F, `${F}output { colour }`, F], '4: unknown attribute "colour"'],
    [
      'a bad attribute after front matter',
      ['---', 'title: t', '---', '', `${F}sh { retry=often }`, 'true', F],
      '5: retry must look like 3x10s (attempts x delay), not "often"',
    ],
    ['a duplicate name', [`${F}sh { name=a }`, 'true', F, '', `${F}sh { name=a }`, 'false', F], '6: duplicate step name "a"'],
    [
      'a default name already taken',
      ['## Build', `${F}sh { name=build-2 }`, 'a', F, `${F}sh`, 'b', F, `${F}sh`, 'c', F],
      '6: duplicate step name "build-2"',
    ],
    [
      'a name taken by a command of a named transcript',
      [`${F}console { name=x }`, '$ a', '$ b', F, `${F}sh { name=x-2 }`, 'd', F],
      '6: duplicate step name "x-2"',
    ],
    [
      'an unknown host',
      [...targets, `${F}sh { host=alts-sever }`, 'true', F],
      '7: unknown host "alts-sever" (hosts of this tutorial: local, alts-server)',
    ],
    ['a host without any targets', [`${F}sh { host=vm }`, 'true', F], '2: unknown host "vm" (hosts of this tutorial: local)'],
    ['an unknown target', [...targets, `${F}sh { targets=gcp,prod }`, 'true', F], '7: unknown target "prod" (targets: gcp, lab)'],
    ['a target without any targets declared', [`${F}sh { targets=gcp }`, 'true', F], '2: unknown target "gcp" (targets: none declared)'],
    ['stop naming no step', [`${F}sh { stop=server }`, 'true', F], '2: stop=server names no background step above it'],
    [
      'stop naming a step that is not in the background',
      [`${F}sh { name=server }`, './server', F, `${F}sh { stop=server }`, 'true', F],
      '5: stop=server names no background step above it',
    ],
    [
      'stop naming a background step below it',
      [`${F}sh { stop=server }`, 'true', F, `${F}sh { name=server background }`, './server', F],
      '2: stop=server names no background step above it',
    ],
    [
      'ready on a step that is not in the background',
      ['', `${F}sh { ready=port:80 }`, './server', F],
      '3: ready only applies to background=true steps',
    ],
    [
      'an output block first in the file',
      [`${F}output`, 'hello', F],
      '1: an output block must directly follow a sh, bash, shell or console block',
    ],
    [
      'an output block after prose',
      [`${F}sh`, 'echo hi', F, '', 'Some words.', '', `${F}output`, 'hi', F],
      '7: an output block must directly follow a sh, bash, shell or console block',
    ],
    [
      'an output block after a heading',
      [`${F}sh`, 'echo hi', F, '## Next', `${F}text { output }`, 'hi', F],
      '5: an output block must directly follow a sh, bash, shell or console block',
    ],
    [
      'an output block after a yaml block',
      [`${F}sh`, 'echo hi', F, `${F}yaml`, 'a: 1', F, `${F}output`, 'hi', F],
      '7: an output block must directly follow a sh, bash, shell or console block',
    ],
    [
      'a second output block',
      [`${F}sh`, 'echo hi', F, `${F}output`, 'hi', F, `${F}output`, 'hi', F],
      '7: an output block must directly follow a sh, bash, shell or console block',
    ],
    [
      'an output block after a transcript that shows output',
      [`${F}console`, '$ echo hi', 'hi', F, `${F}output`, 'hi', F],
      '5: step "step-1" already shows its output in the transcript',
    ],
    [
      'a console block that does not start with "$ "',
      ['# T', `${F}console`, '', 'echo hi', '$ echo', F],
      '4: a transcript must start with a "$ " command line',
    ],
    ['an empty console block', ['# T', '', `${F}console`, F], '3: a console block needs at least one "$ " command'],
    [
      'a console block in a list that does not start with "$ "',
      ['- Run:', '', `  ${F}console`, '  hi', `  ${F}`],
      '4: a transcript must start with a "$ " command line',
    ],
    ['a cram exit status above 255', [`${F}console`, '$ x', '[256]', F], '3: exit status [256] must be from 0 to 255'],
  ])('%s is a TutorialError at its line', (_case, lines, expected) => {
    expect(parseError(md(...lines)).message).toBe(`${FILE}:${expected}`);
  });

  it('reports malformed JSON attributes at the fence line', () => {
    const error = parseError(md('', '', `${FENCE}sh {"name":"x",}`, 'true', FENCE));
    expect(error.line).toBe(3);
    expect(error.problem).toMatch(/^malformed JSON attributes: /);
  });

  it('reports errors at the same lines for CRLF input', () => {
    const error = parseError(md('# T', '', `${FENCE}sh { colour }`, 'true', FENCE).replace(/\n/g, '\r\n'));
    expect(error.message).toBe(`${FILE}:3: unknown attribute "colour"`);
  });
});
