import { describe, expect, test } from 'vitest';
import {
  allPassed,
  enterTarget,
  initialTuiState,
  nextRunAllStep,
  passedCount,
  type TuiAction,
  type TuiState,
  tuiReducer,
} from '../../src/ui/tui-state.js';
import { plannedStep, stepResult, testPlan } from './helpers.js';

const one = plannedStep('one');
const two = plannedStep('two', { confirm: true });
const three = plannedStep('three', { background: true });
const four = plannedStep('four');
const plan = testPlan([one, two, three, four]);
const variables = [
  { name: 'PROJECT_ID', value: 'demo-project', secret: false },
  { name: 'TOKEN', value: 's3cret', secret: true },
];

function reduce(actions: TuiAction[], state: TuiState = initialTuiState(plan, variables)): TuiState {
  return actions.reduce(tuiReducer, state);
}

describe('tuiReducer', () => {
  test('every step starts pending with the first selected', () => {
    const state = initialTuiState(plan);
    expect(state.statuses).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(state.selected).toBe(0);
    expect(state.running).toBeUndefined();
  });

  test('a step that starts is running; when it passes it stays selected, its output in sight, and says how to go on', () => {
    const started = reduce([{ type: 'step-start', step: one, attempt: 1 }]);
    expect(started.statuses[0]).toBe('running');
    expect(started.running).toBe(0);
    const ended = tuiReducer(started, { type: 'step-end', step: one, result: stepResult(one) });
    expect(ended.statuses[0]).toBe('passed');
    expect(ended.running).toBeUndefined();
    expect(ended.selected).toBe(0);
    expect(ended.follow).toBe(true);
    expect(ended.notice).toBe('one passed: ↓ selects the next step, Enter runs it');
    expect(ended.results[0]?.status).toBe('passed');
  });

  test('Enter right after a step passed goes on to the next one not done; on a step the person went back to, it runs that one', () => {
    const ran = reduce([
      { type: 'run-requested', index: 0 },
      { type: 'step-end', step: one, result: stepResult(one) },
    ]);
    expect(ran.selected).toBe(0);
    expect(enterTarget(ran)).toBe(1);
    const back = reduce(
      [
        { type: 'move', delta: 1 },
        { type: 'move', delta: -1 },
      ],
      ran,
    );
    expect(enterTarget(back)).toBe(0);
    // A failed step stays what Enter runs: trying again is what the person is after.
    const failed = reduce([
      { type: 'run-requested', index: 0 },
      { type: 'step-end', step: one, result: stepResult(one, { status: 'failed', reason: 'exit 1' }) },
    ]);
    expect(enterTarget(failed)).toBe(0);
    const allDone = reduce(
      [one, two, three, four].flatMap((step, index): TuiAction[] => [
        { type: 'run-requested', index },
        { type: 'step-end', step, result: stepResult(step) },
      ]),
    );
    expect(enterTarget(allDone)).toBeUndefined();
  });

  test('a skipped step moves the selection on, once for the same step-end twice', () => {
    const end: TuiAction = { type: 'step-end', step: one, result: stepResult(one, { status: 'skipped' }) };
    const state = reduce([{ type: 'run-requested', index: 0 }, end, end]);
    expect(state.selected).toBe(1);
  });

  test('a failed step keeps the selection, stops run-all and shows its diff', () => {
    const result = stepResult(one, { status: 'failed', reason: 'output differs', diff: '-a\n+b\n' });
    const state = reduce([
      { type: 'run-all-start' },
      { type: 'step-start', step: one, attempt: 1 },
      { type: 'step-end', step: one, result },
    ]);
    expect(state.statuses[0]).toBe('failed');
    expect(state.selected).toBe(0);
    expect(state.runAll).toBe(false);
    expect(state.showDiff).toBe(true);
    expect(state.notice).toContain('one failed: output differs');
  });

  test('a background step is ready once it says so and stays so when its run passes', () => {
    const ready = reduce([
      { type: 'run-requested', index: 2 },
      { type: 'step-ready', step: three },
    ]);
    expect(ready.statuses[2]).toBe('background-ready');
    const ended = tuiReducer(ready, { type: 'step-end', step: three, result: stepResult(three) });
    expect(ended.statuses[2]).toBe('background-ready');
    expect(passedCount(ended)).toBe(1);
  });

  test('output and events of steps outside the list (teardown) leave the state as it is', () => {
    const state = initialTuiState(plan);
    const teardown = plannedStep('delete-vms', { teardown: true });
    expect(tuiReducer(state, { type: 'output', step: one, text: 'hello\n' })).toBe(state);
    expect(tuiReducer(state, { type: 'step-start', step: teardown, attempt: 1 })).toBe(state);
    expect(tuiReducer(state, { type: 'step-end', step: teardown, result: stepResult(teardown) })).toBe(state);
  });

  test('a retry keeps the step running and says why', () => {
    const result = stepResult(one, { status: 'failed', reason: 'exit 1' });
    const state = reduce([
      { type: 'step-start', step: one, attempt: 1 },
      { type: 'step-retry', step: one, result, delayMs: 2000 },
    ]);
    expect(state.statuses[0]).toBe('running');
    expect(state.notice).toBe('retrying one: exit 1; again in 2.00s');
  });

  test('moving the selection stays within the steps', () => {
    expect(reduce([{ type: 'move', delta: -1 }]).selected).toBe(0);
    expect(reduce([{ type: 'move', delta: 2 }]).selected).toBe(2);
    expect(reduce([{ type: 'move', delta: 10 }]).selected).toBe(3);
  });

  test('scrolling starts from where the following view stood, stays between the top and the maximum, and End follows again', () => {
    const scrolled = reduce([{ type: 'scroll', delta: -5, from: 20, max: 30 }]);
    expect(scrolled).toMatchObject({ scroll: 15, follow: false });
    // Once it no longer follows, a key scrolls from where the view is, whatever the render said.
    expect(tuiReducer(scrolled, { type: 'scroll', delta: -5, from: 20, max: 30 }).scroll).toBe(10);
    expect(reduce([{ type: 'scroll', delta: 50, from: 20, max: 30 }]).scroll).toBe(30);
    expect(reduce([{ type: 'scroll', delta: -50, from: 20, max: 30 }]).scroll).toBe(0);
    expect(tuiReducer(scrolled, { type: 'follow' }).follow).toBe(true);
    expect(tuiReducer(scrolled, { type: 'move', delta: 1 }).follow).toBe(true);
  });

  test('d without a mismatch says so instead of showing an empty diff', () => {
    const state = reduce([{ type: 'toggle-diff' }]);
    expect(state.showDiff).toBe(false);
    expect(state.notice).toContain('no output mismatch');
  });

  test('d toggles the diff of a mismatched step', () => {
    const result = stepResult(one, { status: 'failed', diff: '-a\n+b\n' });
    const shown = reduce([{ type: 'step-end', step: one, result }, { type: 'toggle-diff' }]);
    expect(shown.showDiff).toBe(false);
    expect(tuiReducer(shown, { type: 'toggle-diff' }).showDiff).toBe(true);
  });

  test('t toggles the topology', () => {
    expect(reduce([{ type: 'toggle-topology' }]).showTopology).toBe(true);
    expect(reduce([{ type: 'toggle-topology' }, { type: 'toggle-topology' }]).showTopology).toBe(false);
  });

  test('editing: pick among several variables, a secret starts empty, control characters are dropped', () => {
    const picking = reduce([{ type: 'edit-begin' }]);
    expect(picking.editing).toEqual({ phase: 'pick', index: 0 });
    const typing = reduce([{ type: 'edit-move', delta: 1 }, { type: 'edit-pick' }], picking);
    expect(typing.editing).toEqual({ phase: 'value', name: 'TOKEN', secret: true, value: '' });
    const typed = reduce([{ type: 'edit-input', text: 'ab\u001bc' }, { type: 'edit-input', text: 'd' }, { type: 'edit-erase' }], typing);
    expect(typed.editing).toMatchObject({ value: 'abc' });
  });

  test('editing a plain variable starts from its value; setting it ends the edit', () => {
    const state = reduce([
      { type: 'edit-begin' },
      { type: 'edit-pick' },
      { type: 'edit-erase' },
      { type: 'variable-set', name: 'PROJECT_ID', value: 'other' },
    ]);
    expect(state.editing).toBeUndefined();
    expect(state.variables[0]?.value).toBe('other');
    expect(reduce([{ type: 'edit-begin' }, { type: 'edit-pick' }]).editing).toMatchObject({ value: 'demo-project' });
  });

  test('e with one variable goes straight to its value; with none it says so', () => {
    const single = initialTuiState(plan, [{ name: 'ZONE', value: 'us-east1-b', secret: false }]);
    expect(tuiReducer(single, { type: 'edit-begin' }).editing).toEqual({
      phase: 'value',
      name: 'ZONE',
      secret: false,
      value: 'us-east1-b',
    });
    const none = tuiReducer(initialTuiState(plan), { type: 'edit-begin' });
    expect(none.editing).toBeUndefined();
    expect(none.notice).toBe('this tutorial has no variables');
  });

  test('quitting stops run-all and the edit', () => {
    const state = reduce([{ type: 'run-all-start' }, { type: 'edit-begin' }, { type: 'quit-requested' }]);
    expect(state).toMatchObject({ quitting: true, runAll: false, editing: undefined });
  });

  test('quitting says whether the teardown runs now or waits for resume', () => {
    expect(reduce([{ type: 'quit-requested' }]).notice).toBe('finishing: stopping shells; the session stays for resume…');
    const done = [one, two, three, four].map((step): TuiAction => ({ type: 'step-end', step, result: stepResult(step) }));
    expect(reduce([...done, { type: 'quit-requested' }]).notice).toBe('finishing: teardown, stopping shells…');
  });

  test('an interrupt stops run-all', () => {
    const state = reduce([{ type: 'run-all-start' }, { type: 'run-requested', index: 0 }, { type: 'interrupt-requested' }]);
    expect(state).toMatchObject({ interrupting: true, runAll: false });
  });

  test('run-all starts in run-all mode at the selection and follows the running step', () => {
    const state = reduce([{ type: 'move', delta: 2 }, { type: 'run-all-start' }, { type: 'step-start', step: four, attempt: 1 }]);
    expect(state.runAll).toBe(true);
    expect(state.runAllFrom).toBe(2);
    expect(state.selected).toBe(3);
  });
});

describe('nextRunAllStep', () => {
  test('runs the first step not done, stops before a confirm step, ends after the last', () => {
    const start = reduce([{ type: 'run-all-start' }]);
    expect(nextRunAllStep(start)).toEqual({ kind: 'run', index: 0 });
    const afterOne = tuiReducer(start, { type: 'step-end', step: one, result: stepResult(one) });
    expect(nextRunAllStep(afterOne)).toEqual({ kind: 'confirm', index: 1 });
    const waiting = tuiReducer(afterOne, { type: 'confirm-wait', index: 1 });
    expect(waiting.awaitingConfirm).toBe(1);
    expect(waiting.notice).toContain('Enter runs it');
    const rest = reduce(
      [
        { type: 'step-end', step: two, result: stepResult(two, { status: 'skipped' }) },
        { type: 'step-end', step: three, result: stepResult(three) },
        { type: 'step-end', step: four, result: stepResult(four) },
      ],
      waiting,
    );
    expect(nextRunAllStep(rest)).toEqual({ kind: 'done' });
  });

  test('a failed step is run again', () => {
    const failed = reduce([{ type: 'step-end', step: one, result: stepResult(one, { status: 'failed' }) }, { type: 'run-all-start' }]);
    expect(nextRunAllStep(failed)).toEqual({ kind: 'run', index: 0 });
  });
});

describe('allPassed', () => {
  test('counts ready background steps as passed and skipped ones as not', () => {
    const steps = [one, two, three, four];
    const passed = reduce(steps.map((step) => ({ type: 'step-end', step, result: stepResult(step) }) as TuiAction));
    expect(allPassed(passed)).toBe(true);
    const skipped = tuiReducer(passed, { type: 'step-end', step: two, result: stepResult(two, { status: 'skipped' }) });
    expect(allPassed(skipped)).toBe(false);
    expect(passedCount(skipped)).toBe(3);
  });
});
