import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { App } from '../../src/ui/App.js';
import { FakeController, KEYS, plannedStep, testPlan, waitFor } from './helpers.js';

let instance: ReturnType<typeof render> | undefined;
afterEach(() => instance?.unmount());

function start(
  controller: FakeController,
  options: { topology?: string; variables?: Array<{ name: string; value: string; secret: boolean }> } = {},
) {
  const onExit = vi.fn();
  instance = render(h(App, { controller, variables: options.variables ?? [], topology: options.topology, onExit }));
  const current = instance;
  const frame = () => current.lastFrame() ?? '';
  /** Types keys once the app listens (useInput subscribes in an effect). */
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      await new Promise((resolve) => setTimeout(resolve, 15));
      current.stdin.write(key);
    }
    await new Promise((resolve) => setTimeout(resolve, 15));
  };
  return { onExit, frame, press };
}

const steps = () => [
  plannedStep('install', { section: 'Prepare', prose: 'Install the **tools**.' }),
  plannedStep('configure', { section: 'Prepare', command: 'gcloud config set project $PROJECT_ID' }),
  plannedStep('delete-old-vms', { section: 'Clean', confirm: true }),
  plannedStep('verify', { section: 'Clean' }),
];

describe('App', () => {
  test('Enter runs the selected step, which stays selected with its output until ↓ moves on', async () => {
    const controller = new FakeController(testPlan(steps()));
    const { frame, press } = start(controller);
    expect(frame()).toContain('ALTS between two VMs');
    expect(frame()).toContain('Install the tools.');
    await press(KEYS.enter);
    await waitFor(() => expect(frame()).toContain('install passed: ↓ selects the next step'));
    expect(frame()).toContain('Step 1/4 · install');
    expect(frame()).toContain('output of install');
    await press(KEYS.down);
    await waitFor(() => expect(frame()).toContain('Step 2/4 · configure'));
    expect(controller.calls).toEqual(['run install']);
    expect(frame()).toMatch(/✓ install/);
    expect(frame()).toContain('1/4 passed');
    expect(frame()).toContain('$ gcloud config set project $PROJECT_ID');
  });

  test('a runs the rest, stops before a confirm step until Enter, and q then quits with the status of finish', async () => {
    const controller = new FakeController(testPlan(steps()));
    const { frame, press, onExit } = start(controller);
    await press('a');
    await waitFor(() => expect(frame()).toContain('delete-old-vms needs confirmation'));
    expect(controller.calls).toEqual(['run install', 'run configure']);
    expect(frame()).toContain('⚠ This step asks for confirmation');
    await press(KEYS.enter);
    await waitFor(() => expect(frame()).toContain('All 4 steps passed'));
    expect(controller.calls).toEqual(['run install', 'run configure', 'run delete-old-vms', 'run verify']);
    await press('q');
    await waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    expect(controller.calls.at(-1)).toBe('finish');
  });

  test('run all stops at the first failure; r retries the failed step', async () => {
    const controller = new FakeController(testPlan(steps()));
    controller.outcomes.set('configure', { status: 'failed', reason: 'exit 1 (expected 0)', exitCode: 1 });
    const { frame, press } = start(controller);
    await press('a');
    await waitFor(() => expect(frame()).toContain('configure failed: exit 1 (expected 0)'));
    expect(controller.calls).toEqual(['run install', 'run configure']);
    expect(frame()).toMatch(/✗ configure/);
    controller.outcomes.delete('configure');
    await press('r');
    await waitFor(() => expect(controller.calls).toEqual(['run install', 'run configure', 'run configure']));
    await waitFor(() => expect(frame()).toContain('2/4 passed'));
  });

  test('s skips the selected step', async () => {
    const controller = new FakeController(testPlan(steps()));
    const { frame, press } = start(controller);
    await press('s');
    await waitFor(() => expect(frame()).toContain('Step 2/4 · configure'));
    expect(controller.calls).toEqual(['skip install']);
    expect(frame()).toMatch(/- install/);
  });

  test('a mismatch shows its diff; d hides it; u accepts the output as snapshot and the step passes', async () => {
    const controller = new FakeController(testPlan(steps()));
    controller.outcomes.set('install', { status: 'failed', reason: 'output differs', diff: '@@ -1 +1 @@\n-v1.2\n+v1.3\n' });
    const { frame, press } = start(controller);
    await press(KEYS.enter);
    await waitFor(() => expect(frame()).toContain('u accept as snapshot · r retry'));
    expect(frame()).toContain('+v1.3');
    await press('d');
    await waitFor(() => expect(frame()).not.toContain('+v1.3'));
    await press('d');
    await waitFor(() => expect(frame()).toContain('+v1.3'));
    await press('u');
    await waitFor(() => expect(frame()).toContain('snapshot written: snapshots/demo/install.txt'));
    expect(controller.calls).toEqual(['run install', 'accept install']);
    expect(frame()).toContain('1/4 passed');
  });

  test('e sets a secret variable, typed masked, in every shell', async () => {
    const controller = new FakeController(testPlan(steps()));
    const variables = [
      { name: 'PROJECT_ID', value: 'demo', secret: false },
      { name: 'API_KEY', value: 'old', secret: true },
    ];
    const { frame, press } = start(controller, { variables });
    await press('e');
    await waitFor(() => expect(frame()).toContain('set a variable in every shell'));
    await press(KEYS.down, KEYS.enter, 'hun', 'ter2x', KEYS.backspace);
    await waitFor(() => expect(frame()).toContain('API_KEY=•••••••'));
    expect(frame()).not.toContain('hunter2');
    await press(KEYS.enter);
    await waitFor(() => expect(controller.calls).toEqual(['set API_KEY=hunter2 (secret)']));
    await waitFor(() => expect(frame()).toContain('API_KEY set in every shell'));
  });

  test('Esc leaves the variable prompt without setting anything', async () => {
    const controller = new FakeController(testPlan(steps()));
    const { frame, press } = start(controller, { variables: [{ name: 'ZONE', value: 'us-east1-b', secret: false }] });
    await press('e');
    await waitFor(() => expect(frame()).toContain('ZONE=us-east1-b'));
    await press(KEYS.escape);
    await waitFor(() => expect(frame()).not.toContain('ZONE=us-east1-b'));
    expect(controller.calls).toEqual([]);
  });

  test('Ctrl-C stops a running step without quitting; Ctrl-C when idle quits', async () => {
    const controller = new FakeController(testPlan(steps()));
    controller.held.add('install');
    controller.finishCode = 130;
    const { frame, press, onExit } = start(controller);
    await press(KEYS.enter);
    await waitFor(() => expect(frame()).toContain('output of install'));
    await press(KEYS.ctrlC);
    await waitFor(() => expect(frame()).toContain('install failed: interrupted'));
    expect(controller.calls).toEqual(['run install', 'interrupt']);
    expect(onExit).not.toHaveBeenCalled();
    await press(KEYS.ctrlC);
    await waitFor(() => expect(onExit).toHaveBeenCalledWith(130));
    expect(controller.calls).toEqual(['run install', 'interrupt', 'finish']);
  });

  test('q while a step runs stops it, then finishes', async () => {
    const controller = new FakeController(testPlan(steps()));
    controller.held.add('install');
    controller.finishCode = 1;
    const { press, onExit } = start(controller);
    await press(KEYS.enter, 'q');
    await waitFor(() => expect(onExit).toHaveBeenCalledWith(1));
    expect(controller.calls).toEqual(['run install', 'interrupt', 'finish']);
  });

  test('keys that need an idle run say so while a step runs', async () => {
    const controller = new FakeController(testPlan(steps()));
    controller.held.add('install');
    const { frame, press } = start(controller);
    await press(KEYS.enter, 's', KEYS.enter);
    await waitFor(() => expect(frame()).toContain('a step is running'));
    expect(controller.calls).toEqual(['run install']);
    controller.release('install');
    await waitFor(() => expect(frame()).toContain('1/4 passed'));
  });

  test('↑/↓ move the selection; Tab moves them to the output pane', async () => {
    const controller = new FakeController(testPlan(steps()));
    const { frame, press } = start(controller);
    await press(KEYS.down, KEYS.down);
    await waitFor(() => expect(frame()).toContain('Step 3/4 · delete-old-vms'));
    await press(KEYS.up);
    await waitFor(() => expect(frame()).toContain('Step 2/4 · configure'));
    await press(KEYS.tab, KEYS.down);
    await waitFor(() => expect(frame()).toContain('↑/↓ scroll the page · Tab goes back to the steps'));
    expect(frame()).toContain('Step 2/4 · configure');
  });

  test('t shows and hides the topology', async () => {
    const controller = new FakeController(testPlan(steps()));
    const { frame, press } = start(controller, { topology: 'client ──ALTS──▶ server' });
    await press('t');
    await waitFor(() => expect(frame()).toContain('client ──ALTS──▶ server'));
    await press('t');
    await waitFor(() => expect(frame()).not.toContain('client ──ALTS──▶ server'));
  });

  test('the output pane shows what the running step prints', async () => {
    const controller = new FakeController(testPlan(steps()));
    controller.held.add('install');
    const { frame, press } = start(controller);
    await press(KEYS.enter);
    const install = controller.plan.steps[0];
    if (!install) throw new Error('no step');
    for (let line = 1; line <= 5000; line++) controller.emit({ type: 'output', step: install, text: `pip line ${line}\n` });
    await waitFor(() => expect(frame()).toContain('pip line 5000'));
    expect(frame()).not.toContain('pip line 1\n');
    controller.release('install');
  });

  test('the frame stays within 80x24 and one row short of the terminal', async () => {
    const many = Array.from({ length: 40 }, (_, index) =>
      plannedStep(`step-${index + 1}`, { section: `Part ${Math.floor(index / 5) + 1}` }),
    );
    const controller = new FakeController(testPlan(many));
    const { frame } = start(controller);
    const lines = frame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(100);
  });
});

describe('App layout', () => {
  /** ink-testing-library's stdout says 100 columns and no rows: make it a terminal of the given size. */
  function resize(current: ReturnType<typeof render>, columns: number, rows: number) {
    Object.defineProperty(current.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(current.stdout, 'rows', { value: rows, configurable: true });
    current.stdout.emit('resize');
  }

  const many = () =>
    Array.from({ length: 40 }, (_, index) => plannedStep(`step-${index + 1}`, { section: `Part ${Math.floor(index / 5) + 1}` }));

  test('at 80x24 the frame fits, one row short of the terminal', async () => {
    const controller = new FakeController(testPlan(many()));
    start(controller);
    const current = instance;
    if (!current) throw new Error('not rendered');
    resize(current, 80, 24);
    await waitFor(() => {
      const lines = (current.lastFrame() ?? '').split('\n');
      expect(lines).toHaveLength(23);
      expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(80);
    });
    expect(current.lastFrame()).toContain('q quit');
  });

  test('a taller terminal shows more of the step list', async () => {
    const controller = new FakeController(testPlan(many()));
    start(controller);
    const current = instance;
    if (!current) throw new Error('not rendered');
    const visibleSteps = () => (current.lastFrame()?.match(/step-\d+ /g) ?? []).length;
    resize(current, 80, 24);
    await waitFor(() => expect(current.lastFrame()?.split('\n')).toHaveLength(23));
    const short = visibleSteps();
    resize(current, 80, 50);
    await waitFor(() => expect(current.lastFrame()?.split('\n')).toHaveLength(49));
    expect(visibleSteps()).toBeGreaterThan(short);
  });
});
