import { describe, expect, test } from 'vitest';
import { allPassed, initialTuiState, nextRunAllStep, passedCount, type TuiAction, tuiReducer } from '../../src/ui/tui-state.js';
import { plannedStep, stepResult, testPlan } from './helpers.js';

const one = plannedStep('one');
const two = plannedStep('two');
const clean = plannedStep('clean', { teardown: true, section: 'Clean up' });
const plan = { ...testPlan([one, two]), teardown: [clean] };

const reduce = (actions: TuiAction[]) => actions.reduce(tuiReducer, initialTuiState(plan));
const passed = (step: typeof one): TuiAction => ({ type: 'step-end', step, result: stepResult(step) });

describe('teardown steps in the TUI', () => {
  test('are listed after the steps and counted, as the summary counts them', () => {
    const state = initialTuiState(plan);
    expect(state.steps.map((step) => step.name)).toEqual(['one', 'two', 'clean']);
    expect(state.teardownFrom).toBe(2);
    expect(state.statuses).toHaveLength(3);
  });

  test('run-all stops before them, and every step passed without them', () => {
    const state = reduce([passed(one), passed(two)]);
    expect(nextRunAllStep({ ...state, runAll: true })).toEqual({ kind: 'done' });
    expect(allPassed(state)).toBe(true);
    expect(passedCount(state)).toBe(2);
  });

  test('their results, from the run’s end, count as passed', () => {
    const state = reduce([passed(one), passed(two), passed(clean)]);
    expect(state.statuses[2]).toBe('passed');
    expect(passedCount(state)).toBe(3);
  });

  test('q before every step passed says the session stays; after, that the teardown runs', () => {
    expect(reduce([passed(one), { type: 'quit-requested' }]).notice).toContain('stays for resume');
    expect(reduce([passed(one), passed(two), { type: 'quit-requested' }]).notice).toContain('teardown');
  });
});

describe('a value typed fast', () => {
  const variables = [{ name: 'ZONE', value: 'us-central1-a', secret: false }];
  const edit = (text: string) =>
    ([{ type: 'edit-begin' }, { type: 'edit-input', text }] satisfies TuiAction[]).reduce(tuiReducer, initialTuiState(plan, variables))
      .editing;

  test('several backspaces in one input each erase a character', () => {
    expect(edit('\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007feu-west1')).toEqual({
      phase: 'value',
      name: 'ZONE',
      secret: false,
      value: 'eu-west1',
    });
    expect(edit('\b\bb\u007fc')).toMatchObject({ value: 'us-central1c' });
  });

  test('other control characters are no part of the value', () => {
    expect(edit('\u0007-b\u0000')).toMatchObject({ value: 'us-central1-a-b' });
  });
});
