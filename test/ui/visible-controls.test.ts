import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import { showControls } from '../../src/report/visible-text.js';
import { Header } from '../../src/ui/components/Header.js';
import { StepDetail, type StepPageInput, stepPage } from '../../src/ui/components/StepDetail.js';
import { StepList } from '../../src/ui/components/StepList.js';
import { Topology } from '../../src/ui/components/Topology.js';
import { plannedStep } from './helpers.js';

// A command that a raw terminal would show as `echo hello`: the real one is erased and overwritten.
const HIDDEN_COMMAND = 'touch ran-hidden #\x1b[1K\recho hello';

let instance: ReturnType<typeof render> | undefined;
function frame(element: Parameters<typeof render>[0]): string {
  instance = render(element);
  return instance.lastFrame() ?? '';
}
afterEach(() => instance?.unmount());

function detail(input: Omit<StepPageInput, 'width'>) {
  const page = stepPage({ ...input, width: 80 });
  return h(StepDetail, { page, top: 0, height: page.rows.length });
}

// Ink's own colours are the only escape sequences a frame may hold: none here (no colour is set).
function expectNoRawControls(text: string): void {
  expect(text).not.toContain('\r');
  expect(text).not.toContain('\x1b[1K');
  expect(text).not.toContain('\u202e');
}

describe('the TUI shows what documents and outputs hold, never acts on it', () => {
  test('a command, step name, prose and title with escape codes are shown escaped', () => {
    const step = plannedStep('inst\u202ellat', { command: HIDDEN_COMMAND, prose: 'Run \x1b[8mthis\x1b[0m.' });
    const shown = frame(detail({ step, index: 0, total: 1, status: 'pending' }));
    expect(shown).toContain('$ touch ran-hidden #^[[1K^Mecho hello');
    expect(shown).toContain('inst<U+202E>llat');
    expect(shown).toContain('Run ^[[8mthis^[[0m.');
    expectNoRawControls(shown);
    instance?.unmount();
    const list = frame(h(StepList, { steps: [step], statuses: ['pending'], selected: 0, focused: true, width: 40, height: 5 }));
    expect(list).toContain('inst<U+202E>llat');
    expectNoRawControls(list);
    instance?.unmount();
    const header = frame(
      h(Header, { title: 'Title\x1b[2J', target: 'lab', hosts: ['local'], passed: 0, total: 1, elapsedMs: 0, cloud: undefined }),
    );
    expect(header).toContain('Title^[[2J');
  });

  test('output and diffs show their leftover control characters', () => {
    const step = plannedStep('noisy');
    // The App hands the page its output through showControls (the buffer) or visibleOutput (a result).
    const output = { lines: ['50%\r100%', 'bell\x07'].map(showControls), dropped: 0 };
    const pane = frame(detail({ step, index: 0, total: 1, status: 'passed', output }));
    expect(pane).toContain('50%^M100%');
    expect(pane).toContain('bell^G');
    expectNoRawControls(pane);
    instance?.unmount();
    const diff = frame(
      detail({ step, index: 0, total: 1, status: 'failed', diff: '--- expected\n+++ actual\n@@ -1 +1 @@\n-ok\n+ok\r\x1b[1Kfine\n' }),
    );
    expect(diff).toContain('+ok^M^[[1Kfine');
    expectNoRawControls(diff);
  });

  test('a topology diagram with escape codes is shown escaped', () => {
    const text = frame(h(Topology, { diagram: 'client ──\x1b[2J──▶ server' }));
    expect(text).toContain('client ──^[[2J──▶ server');
    expectNoRawControls(text);
  });
});
