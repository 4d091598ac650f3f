import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { expect, expectTypeOf, test } from 'vitest';
import type { RunController } from '../../src/run/run-controller.js';
import type { StepController } from '../../src/ui/controller.js';
import { useOutputBuffer } from '../../src/ui/hooks/use-output-buffer.js';
import type { OutputBuffer } from '../../src/ui/output-buffer.js';
import { delay, FakeController, plannedStep, testPlan, waitFor } from './helpers.js';

test('a step flooding its output re-renders a handful of times and keeps the last 2,000 lines', async () => {
  const step = plannedStep('flood');
  const controller = new FakeController(testPlan([step]));
  let renders = 0;
  let seen: OutputBuffer | undefined;
  function Probe() {
    const buffer = useOutputBuffer(controller);
    renders++;
    seen = buffer;
    return h(Text, null, buffer.tail(1).join(''));
  }
  const { lastFrame, unmount } = render(h(Probe));
  await delay(20);
  const before = renders;
  controller.emit({ type: 'step-start', step, attempt: 1 });
  for (let line = 1; line <= 100_000; line++) controller.emit({ type: 'output', step, text: `line ${line}\n` });
  await waitFor(() => expect(lastFrame()).toBe('line 100000'));
  expect(renders - before).toBeLessThanOrEqual(3);
  expect(seen?.length).toBe(2000);
  expect(seen?.droppedLines).toBe(98_000);
  unmount();
});

test('output of another step (a background step still printing) stays out of the pane', async () => {
  const build = plannedStep('build');
  const server = plannedStep('server', { background: true });
  const controller = new FakeController(testPlan([server, build]));
  let seen: OutputBuffer | undefined;
  function Probe() {
    seen = useOutputBuffer(controller, { intervalMs: 10 });
    return null;
  }
  const { unmount } = render(h(Probe));
  await delay(20);
  controller.emit({ type: 'step-start', step: build, attempt: 1 });
  controller.emit({ type: 'output', step: server, text: 'GET / 200\n' });
  controller.emit({ type: 'output', step: build, text: 'compiling\n' });
  controller.emit({ type: 'step-start', step: build, attempt: 2 });
  controller.emit({ type: 'output', step: build, text: 'compiling again\n' });
  expect(seen?.lines()).toEqual(['compiling', '', '── attempt 2 ──', 'compiling again']);
  unmount();
});

test('RunController can drive the TUI', () => {
  expectTypeOf<RunController>().toExtend<StepController>();
});
