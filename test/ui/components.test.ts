import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import { FOOTER_KEYS, Footer, fitKeys } from '../../src/ui/components/Footer.js';
import { Header } from '../../src/ui/components/Header.js';
import { StepDetail, type StepPageInput, stepPage } from '../../src/ui/components/StepDetail.js';
import { listWindow, StepList } from '../../src/ui/components/StepList.js';
import { Topology } from '../../src/ui/components/Topology.js';
import { VariablePrompt } from '../../src/ui/components/VariablePrompt.js';
import { MarkdownText } from '../../src/ui/markdown-text.js';
import { plannedStep, stepResult } from './helpers.js';

let instance: ReturnType<typeof render> | undefined;
function frame(element: Parameters<typeof render>[0]): string {
  instance = render(element);
  return instance.lastFrame() ?? '';
}
afterEach(() => instance?.unmount());

/** The whole page of a step, `width` columns wide, every row shown. */
function detail(input: Omit<StepPageInput, 'width'> & { width?: number }) {
  const page = stepPage({ width: 100, ...input });
  return h(StepDetail, { page, top: 0, height: page.rows.length });
}

describe('StepList', () => {
  const steps = [
    plannedStep('create-vms', { section: 'Create the VMs', host: 'local' }),
    plannedStep('start-server', { section: 'Run the server', host: 'server', background: true }),
    plannedStep('call-server', { section: 'Run the server', host: 'client' }),
    plannedStep('check-logs', { section: 'Run the server', host: 'server' }),
    plannedStep('cleanup-notes', { section: 'Run the server', host: 'local' }),
  ];

  test('shows each step under its section with host and status icon', () => {
    const text = frame(
      h(StepList, {
        steps,
        statuses: ['passed', 'background-ready', 'failed', 'skipped', 'not-run'],
        selected: 2,
        height: 10,
        width: 40,
        focused: true,
      }),
    );
    expect(text).toContain('Create the VMs');
    expect(text).toContain('Run the server');
    expect(text).toMatch(/✓ create-vms\s+local/);
    expect(text).toMatch(/● start-server\s+server ready/);
    expect(text).toMatch(/›✗ call-server\s+client/);
    expect(text).toMatch(/- check-logs/);
    expect(text).toMatch(/· cleanup-notes/);
  });

  test('a running step has a spinner, a pending one a circle', () => {
    const text = frame(h(StepList, { steps, statuses: ['running', 'pending'], selected: 0, height: 10, width: 40, focused: true }));
    expect(text).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] create-vms/);
    expect(text).toMatch(/○ start-server\s+server bg/);
  });

  test('a long list shows a window around the selected step that fits the height', () => {
    const many = Array.from({ length: 40 }, (_, index) => plannedStep(`step-${index + 1}`, { section: '' }));
    const text = frame(h(StepList, { steps: many, statuses: [], selected: 30, height: 8, width: 40, focused: true }));
    expect(text.split('\n')).toHaveLength(8);
    expect(text).toContain('›○ step-31');
    expect(text).toMatch(/↑ \d+ more/);
    expect(text).toMatch(/↓ \d+ more/);
    expect(text).not.toContain('step-1 ');
  });

  test('listWindow keeps the selection in view', () => {
    expect(listWindow(5, 4, 10)).toEqual({ start: 0, end: 5 });
    expect(listWindow(100, 0, 10)).toEqual({ start: 0, end: 10 });
    expect(listWindow(100, 99, 10)).toEqual({ start: 90, end: 100 });
    const middle = listWindow(100, 50, 10);
    expect(50).toBeGreaterThan(middle.start);
    expect(50).toBeLessThan(middle.end - 1);
  });
});

describe('StepDetail', () => {
  test('renders the prose as Markdown, the exact command with its variables and the host', () => {
    const step = plannedStep('create-vms', {
      host: 'client',
      prose:
        '## Create the VMs\n\nThis **creates** two VMs in `$ZONE`. See [the docs](https://cloud.google.com).\n\n- one for the client\n- one for the server',
      command: 'gcloud compute instances create alts-client --zone=$ZONE --project=${PROJECT_ID}',
    });
    const text = frame(detail({ step, index: 0, total: 3, status: 'pending' }));
    expect(text).toContain('Step 1/3 · create-vms · on client');
    expect(text).toContain('Create the VMs');
    expect(text).not.toContain('##');
    expect(text).toContain('This creates two VMs in $ZONE. See the docs (https://cloud.google.com).');
    expect(text).not.toContain('**');
    expect(text).toContain('• one for the client');
    expect(text).toContain('$ gcloud compute instances create alts-client --zone=$ZONE --project=${PROJECT_ID}');
  });

  test('under the command, the values of the variables it uses, a secret masked', () => {
    const step = plannedStep('call', { command: 'curl -H "Authorization: $TOKEN" "https://api/$PROJECT_ID/x"' });
    const variables = [
      { name: 'PROJECT_ID', value: 'lab-project', secret: false },
      { name: 'TOKEN', value: 's3cret', secret: true },
      { name: 'ZONE', value: 'z', secret: false },
    ];
    const text = frame(detail({ step, index: 0, total: 1, status: 'pending', variables }));
    expect(text).toContain('with PROJECT_ID=lab-project · TOKEN=[SECRET]');
    expect(text).not.toContain('ZONE=');
    expect(text).not.toContain('s3cret');
  });

  test('a confirm step carries a warning; a result says how it went', () => {
    const step = plannedStep('delete-project', { confirm: true });
    const result = stepResult(step, { status: 'failed', reason: 'exit 1 (expected 0)', logPath: '/tmp/logs/1.log' });
    const text = frame(detail({ step, index: 1, total: 3, status: 'failed', result }));
    expect(text).toContain('⚠ This step asks for confirmation');
    expect(text).toContain('failed: exit 1 (expected 0)');
    expect(text).toContain('/tmp/logs/1.log');
  });

  test('a long script is shown whole, and a command longer than the pane wraps under itself', () => {
    const step = plannedStep('script', { kind: 'script', command: `a\nb\nc\nd\necho ${'x'.repeat(48)}END\n` });
    const text = frame(detail({ step, index: 0, total: 1, status: 'pending', width: 30 }));
    for (const line of ['┃ a', '┃ b', '┃ c', '┃ d', `┃ echo ${'x'.repeat(23)}`, `┃ ${'x'.repeat(25)}END`]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).not.toContain('…');
  });

  test('a window of the page when it does not fit, saying what is above and below', () => {
    const step = plannedStep('many', { command: 'seq 1 30' });
    const output = { lines: Array.from({ length: 30 }, (_, index) => `line ${index + 1}`), dropped: 0 };
    const page = stepPage({ step, index: 0, total: 1, status: 'passed', output, width: 40 });
    const text = frame(h(StepDetail, { page, top: 10, height: 6 }));
    const rows = text.split('\n');
    expect(rows).toHaveLength(6);
    expect(rows[5]).toContain(`↑ 10 · ↓ ${page.rows.length - 15} more`);
  });
});

describe('MarkdownText', () => {
  test('numbered lists, code blocks and unknown blocks come out as text', () => {
    const text = frame(h(MarkdownText, { markdown: '1. first\n2. second\n\n> a quote\n\n```sh\necho hi\n```' }));
    expect(text).toContain('1. first');
    expect(text).toContain('2. second');
    expect(text).toContain('│ a quote');
    expect(text).not.toContain('> a quote');
    expect(text).toContain('echo hi');
    expect(text).not.toContain('```');
  });

  test('a paragraph flows across the line breaks of its source, as Markdown renders it', () => {
    const text = frame(
      h(MarkdownText, { markdown: 'builds the same sources against the\ngrpc-go that `Debian\npackages`.\n\nNext paragraph.' }),
    );
    expect(text.split('\n')).toEqual(['builds the same sources against the grpc-go that Debian packages.', '', 'Next paragraph.']);
  });
});

describe('the output of a page', () => {
  test('every line, one longer than the pane wrapped at its width, nothing cut', () => {
    const step = plannedStep('build');
    const long = `${'a'.repeat(35)}${'b'.repeat(35)}END`;
    const output = { lines: ['first', long, 'last'], dropped: 0 };
    const text = frame(detail({ step, index: 0, total: 1, status: 'passed', output, width: 30 }));
    const rows = text.split('\n');
    expect(rows).toContain('── output');
    expect(rows).toContain('a'.repeat(30));
    expect(rows).toContain(`${'a'.repeat(5)}${'b'.repeat(25)}`);
    expect(rows).toContain(`${'b'.repeat(10)}END`);
    expect(rows.at(-1)).toBe('last');
    expect(text).not.toContain('…');
  });

  test('says so when there is no output yet, and how many earlier lines only the log has', () => {
    const step = plannedStep('quiet');
    expect(frame(detail({ step, index: 0, total: 1, status: 'running', output: { lines: [], dropped: 0 } }))).toContain('(no output yet)');
    instance?.unmount();
    const text = frame(detail({ step, index: 0, total: 1, status: 'passed', output: { lines: ['x'], dropped: 42 } }));
    expect(text).toContain('… 42 earlier lines: l opens the full log');
  });

  test('a diff takes the place of the output, with the keys that act on it', () => {
    const step = plannedStep('greet');
    const diff = '--- expected\n+++ actual\n@@ -1 +1 @@\n-hello\n+goodbye\n';
    const text = frame(detail({ step, index: 0, total: 1, status: 'failed', output: { lines: ['goodbye'], dropped: 0 }, diff }));
    expect(text).toContain('@@ -1 +1 @@');
    expect(text).toContain('-hello');
    expect(text).toContain('+goodbye');
    expect(text).toContain('u accept as snapshot · r retry');
    expect(text).not.toContain('── output\n');
  });
});

describe('VariablePrompt', () => {
  const variables = [
    { name: 'PROJECT_ID', value: 'demo-project', secret: false },
    { name: 'API_KEY', value: 'old-secret', secret: true },
  ];

  test('masks a secret value as it is typed', () => {
    const text = frame(h(VariablePrompt, { variables, editing: { phase: 'value', name: 'API_KEY', secret: true, value: 'hunter2' } }));
    expect(text).toContain('API_KEY=•••••••');
    expect(text).not.toContain('hunter2');
  });

  test('shows a plain value as it is typed', () => {
    const text = frame(h(VariablePrompt, { variables, editing: { phase: 'value', name: 'PROJECT_ID', secret: false, value: 'my-proj' } }));
    expect(text).toContain('PROJECT_ID=my-proj');
  });

  test('lists the variables to pick from without revealing secrets', () => {
    const text = frame(h(VariablePrompt, { variables, editing: { phase: 'pick', index: 1 } }));
    expect(text).toContain('  PROJECT_ID = demo-project');
    expect(text).toContain('› API_KEY = (secret)');
    expect(text).not.toContain('old-secret');
  });
});

describe('Footer', () => {
  test('lists the keys', () => {
    const all = fitKeys(FOOTER_KEYS.steps, 300, true).map(([key, action]) => `${key} ${action}`);
    for (const key of [
      'Enter run',
      'a run all',
      's skip',
      'r retry',
      'e edit var',
      'd diff',
      'u accept',
      '↑/↓ step',
      'l log',
      't topology',
      'q quit',
      '? keys',
    ]) {
      expect(all).toContain(key);
    }
  });

  test('shows the keys that fit the row, then ? keys and q quit', () => {
    for (const width of [60, 80]) {
      const keys = fitKeys(FOOTER_KEYS.steps, width, true);
      const text = keys.map(([key, action]) => `${key} ${action}`).join(' · ');
      expect(text.length).toBeLessThanOrEqual(width);
      expect(text.startsWith('Enter run · ↑/↓ step')).toBe(true);
      expect(text.endsWith('? keys · q quit')).toBe(true);
    }
    instance?.unmount();
    const text = frame(h(Footer, { mode: 'steps', width: 60 }));
    expect(text.split('\n')[1]).toBe('Enter run · ↑/↓ step · PgUp/PgDn scroll · ? keys · q quit');
  });

  test('shows the notice above the keys of the mode', () => {
    const text = frame(h(Footer, { mode: 'confirm', notice: 'delete-project needs confirmation', width: 80 }));
    expect(text.split('\n')[0]).toBe('delete-project needs confirmation');
    expect(text).toContain('Enter run it');
  });
});

describe('Header', () => {
  test('shows title, target, hosts, progress and elapsed time', () => {
    const text = frame(
      h(Header, { title: 'ALTS between two VMs', target: 'lab', hosts: ['client', 'server'], passed: 2, total: 5, elapsedMs: 65_400 }),
    );
    expect(text).toContain('ALTS between two VMs');
    expect(text).toContain('target lab · hosts client, server');
    expect(text).toContain('2/5 passed');
    expect(text).toContain('1m05s');
  });
});

describe('Topology', () => {
  test('shows the diagram line by line', () => {
    const text = frame(h(Topology, { diagram: 'client ──ALTS──▶ server\n  10.0.0.1      10.0.0.2' }));
    expect(text).toContain('client ──ALTS──▶ server');
    expect(text).toContain('  10.0.0.1      10.0.0.2');
  });
});
