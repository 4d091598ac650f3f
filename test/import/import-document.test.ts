import { describe, expect, it } from 'vitest';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import type { Step, Tutorial } from '../../src/format/tutorial.js';
import { commandSlug } from '../../src/import/name-steps.js';
import { doc, FENCE, guesses, imported, onlyStep, stepNamed } from './helpers.js';

/** The draft, parsed by the project's own parser. */
function parsed(text: string): Tutorial {
  return parseTutorial(imported(text).markdown, 'tutorials/demo.md', 'demo');
}

function parsedStep(tutorial: Tutorial, name: string): Step {
  const step = tutorial.steps.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`no step ${name} in ${tutorial.steps.map((candidate) => candidate.name).join(', ')}`);
  return step;
}

describe('importDocument: hosts', () => {
  it('runs the commands after "On `host`:" on that host, and declares it in a target', () => {
    const tutorial = parsed(
      doc('## Run', 'On `web-1`:', FENCE, './serve-static --dir /srv', FENCE, '', '## Check', FENCE, '$ uptime', FENCE),
    );
    expect(parsedStep(tutorial, 'serve-static').host).toBe('web-1');
    expect(parsedStep(tutorial, 'uptime').host).toBe('local');
    expect(tutorial.targets).toEqual({ vm: { name: 'vm', hosts: { 'web-1': { kind: 'ssh', destination: 'web-1' } }, variables: {} } });
  });

  it('runs a user@host prompt on that host, reached as the pod a `kubectl run` started', () => {
    const result = imported(
      doc(FENCE, '$ kubectl run test -n istio-system --image=alpine -- sleep 1d', 'appuser@test:/app$ curl -s http://a', '{}', FENCE),
    );
    const tutorial = parseTutorial(result.markdown, 'demo.md', 'demo');
    expect(parsedStep(tutorial, 'curl').host).toBe('test');
    expect(tutorial.targets.gcp?.hosts.test).toEqual({ kind: 'kubectl', selector: '-n istio-system test' });
  });

  it('drops a log-in and runs the rest of its block on the host it logs in to', () => {
    const result = imported(doc('## Run', FENCE, '$ gcloud compute ssh vm-a', '$ ./run-checks', 'ok', FENCE, FENCE, '$ hostname', FENCE));
    expect(result.steps.map((step) => [step.name, step.host])).toEqual([
      ['run-checks', 'vm-a'],
      ['hostname', 'local'],
    ]);
    expect(guesses(result)).toContain(
      'dropped "gcloud compute ssh vm-a": it logs in to vm-a, so the commands after it in the same block run on host vm-a',
    );
  });
});

describe('importDocument: background steps', () => {
  it('makes a server a background step, with ready guessed from the port, and parses', () => {
    const step = parsedStep(
      parsed(doc(FENCE, '$ python3 -m http.server 8765 &', 'Serving HTTP on 0.0.0.0 port 8765 ...', FENCE)),
      'python3-http-server',
    );
    expect(step).toMatchObject({ command: 'python3 -m http.server 8765', background: true, ready: { kind: 'port', port: 8765 } });
  });

  it('guesses ready from the line in which the server announces itself', () => {
    const step = parsedStep(parsed(doc(FENCE, '$ ./server', '2024/01/02 03:04:05 Listening on 127.0.0.1:50051', FENCE)), 'server');
    expect(step.ready?.kind === 'output' && step.ready.pattern.test('2031/12/30 23:59:59 Listening on 10.1.2.3:1')).toBe(true);
  });

  it('reports a background step without readiness', () => {
    const result = imported(doc('On `alts-server`:', FENCE, './envoy -c server.yaml -l debug', FENCE));
    expect(guesses(result)).toContain(
      'background: "./envoy -c server.yaml -l debug" keeps running; no ready= (the document shows no output for it): later steps start right away',
    );
  });

  it('drops kill %1: the run stops background steps itself', () => {
    const result = imported(doc('$ ./server &', '$ kill %1'));
    expect(result.steps.map((step) => step.command)).toEqual(['./server']);
  });
});

describe('importDocument: teardown, output, names', () => {
  it('makes the steps of a clean-up section (and its subsections) teardown steps', () => {
    const tutorial = parsed(
      doc(
        '## Setup',
        FENCE,
        '$ mkdir work',
        FENCE,
        '## Cleanup',
        '### Files',
        FENCE,
        '$ rm -rf work',
        FENCE,
        '### Stop',
        FENCE,
        '$ echo stopped',
        FENCE,
        '## Next',
        FENCE,
        '$ echo next',
        FENCE,
      ),
    );
    expect(tutorial.steps.map((step) => [step.name, step.teardown])).toEqual([
      ['mkdir-work', false],
      ['rm-work', true],
      ['echo-stopped', true],
      ['echo-next', false],
    ]);
  });

  it('attaches output shown in its own block after "You should see" to the command before it', () => {
    const result = imported(
      doc('## Fetch', FENCE, 'curl -s http://localhost:8080/get', FENCE, 'You should see:', FENCE, '{"ok": true}', FENCE),
    );
    expect(onlyStepOf(result.markdown).expected?.lines).toEqual(['{"ok": true}']);
    // The prose moves above the command, so that the output block directly follows it.
    expect(result.markdown).toContain(
      'You should see:\n\n```console { name=curl }\n$ curl -s http://localhost:8080/get\n{"ok": true}\n```',
    );
  });

  it('keeps logs shown in a bash block as text, not as a step', () => {
    const tutorial = parsed(doc('## Logs', `${FENCE}bash`, '[2020-06-09 12:59:52.818][3782][debug][connection] ALTS', FENCE));
    expect(tutorial.steps).toEqual([]);
  });

  it('writes output whose first line reads as a continuation ("> GET") in an output block', () => {
    const step = onlyStepOf(imported(doc(FENCE, '$ curl -v http://a', '> GET / HTTP/1.1', '< HTTP/1.1 200 OK', FENCE)).markdown);
    expect(step).toMatchObject({ command: 'curl -v http://a', expected: { lines: ['> GET / HTTP/1.1', '< HTTP/1.1 200 OK'] } });
  });

  it('turns "...snip..." into "..." (any lines) and says so', () => {
    const result = imported(doc(FENCE, '$ ip route show', 'default via 10.0.0.1', '', '...snip...', '', '10.1.0.0/16 dev eth0', FENCE));
    expect(onlyStep(doc(FENCE, '$ ip route show', 'a', '...snip...', 'b', FENCE)).output).toEqual(['a', '...', 'b']);
    expect(guesses(result)).toContain(
      'output: "...snip..." in the output of "ip route show" marks lines left out; written as "..." (any lines)',
    );
  });

  it('expects the exit status of a curl the document shows failing', () => {
    const step = onlyStepOf(imported(doc(FENCE, '$ curl -vs http://a', '* Recv failure: Connection reset by peer', FENCE)).markdown);
    expect(step.exit).toBe(56);
  });

  it('names steps for what they run, a script for its section, and numbers repeats', () => {
    const result = imported(
      doc('## Build Client/Server', FENCE, 'go build ./a', 'go build ./b', FENCE, FENCE, '$ ./server &', '$ ./server &', FENCE),
    );
    expect(result.steps.map((step) => step.name)).toEqual(['build-client-server', 'server', 'server-2']);
    expect(commandSlug('sudo ip route show')).toBe('ip-route-show');
    expect(commandSlug('export GRPC_GO_LOG_SEVERITY_LEVEL=info')).toBe('export-grpc-go-log-severity-level');
    expect(commandSlug('cd .. && rm -rf demo')).toBe('rm-demo');
  });
});

describe('importDocument: volatile values', () => {
  it('writes a snapshot with redaction tokens where the output has volatile values, and none where the page is enough', () => {
    const result = imported(
      doc(
        FENCE,
        '$ date -u +%FT%TZ',
        '2024-05-01T10:00:00Z',
        '$ curl -sI http://127.0.0.1:8080',
        'date: Tue, 09 Jun 2020 12:59:52 GMT',
        'x-id: 5edf87c8442f573c',
        '$ echo hello',
        'hello',
        FENCE,
      ),
    );
    expect(result.snapshots).toEqual([
      { step: 'date', text: '[TIMESTAMP]\n' },
      { step: 'curl', text: 'date: [TIMESTAMP]\nx-id: [HEX]\n' },
    ]);
    // The page keeps the document's values for the reader.
    expect(result.markdown).toContain('$ date -u +%FT%TZ\n2024-05-01T10:00:00Z');
  });
});

function onlyStepOf(markdown: string): Step {
  const { steps } = parseTutorial(markdown, 'demo.md', 'demo');
  expect(steps).toHaveLength(1);
  return steps[0] as Step;
}

describe('importDocument: plain text', () => {
  it('reads an unfenced document: title, headings, prompts with output, and a draft that parses', () => {
    const result = imported(
      doc('Hello Tutorial', '', 'Say hello', '', '$ echo hello', 'hello', '', 'Then say bye.', '', '$ echo bye', 'bye'),
    );
    const tutorial = parseTutorial(result.markdown, 'demo.md', 'demo');
    expect(tutorial.title).toBe('Hello Tutorial');
    expect(tutorial.steps.map((step) => [step.name, step.section, step.expected?.lines])).toEqual([
      ['echo-hello', 'Say hello', ['hello']],
      ['echo-bye', 'Say hello', ['bye']],
    ]);
    expect(stepNamed(result, 'echo-bye').line).toBe(10);
  });
});

describe('importDocument: a page with front matter of its own', () => {
  it('keeps its title, drops the block, and reports lines as the document numbers them', () => {
    const result = imported(doc('---', 'title: "From a static site"', 'layout: post', '---', '', '$ echo hi', 'hi'));
    const tutorial = parseTutorial(result.markdown, 'demo.md', 'demo');
    expect(tutorial.title).toBe('From a static site');
    expect(result.markdown).not.toContain('layout');
    expect(result.steps[0]).toMatchObject({ command: 'echo hi', line: 6 });
  });
});
