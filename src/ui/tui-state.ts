import { formatDuration } from '../format/durations.js';
import type { Plan, PlannedStep } from '../plan/plan-steps.js';
import type { RunEvent, StepResult } from '../run/events.js';
import type { TuiVariable } from './controller.js';

/** A step as the TUI shows it: the runner's statuses plus `pending`, `running` and a ready background step. */
export type TuiStepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped' | 'not-run' | 'background-ready';

/** `e`: first pick a variable (when there are several), then type its value. */
export type VariableEdit = { phase: 'pick'; index: number } | { phase: 'value'; name: string; secret: boolean; value: string };

export type Pane = 'steps' | 'output';

export interface TuiState {
  /** The plan's steps, then its teardown steps (from `teardownFrom` on), which run when the run ends. */
  steps: readonly PlannedStep[];
  teardownFrom: number;
  statuses: TuiStepStatus[];
  /** The latest result of each step (a retry's failed attempt included). */
  results: Array<StepResult | undefined>;
  variables: TuiVariable[];
  /** The step the keys act on. */
  selected: number;
  /** The step that just ran and stays selected with its output: Enter goes on from it. */
  justRan: number | undefined;
  /** The step being run, from the moment it was asked for until its result. */
  running: number | undefined;
  /** Attempt of the running step (1 unless it retries). */
  attempt: number;
  /** Where ↑/↓ go: the step list or the output pane (Tab switches). */
  focus: Pane;
  /** First row of the page shown, when it does not follow. */
  scroll: number;
  /** The page keeps the end of the output (or the command, before it runs) in sight. */
  follow: boolean;
  /** `?`: the keys, in place of the page. */
  showHelp: boolean;
  showDiff: boolean;
  showTopology: boolean;
  editing: VariableEdit | undefined;
  /** `a`: run the rest, one step after the other. */
  runAll: boolean;
  /** Where run-all started; it runs every step from there that is not done. */
  runAllFrom: number;
  /** Run-all stopped before this `confirm` step; Enter runs it. */
  awaitingConfirm: number | undefined;
  /** Ctrl-C was pressed while a step ran; a second one quits. */
  interrupting: boolean;
  /** `q`: teardown and shutdown under way. */
  quitting: boolean;
  /** One line telling what just happened or what a key needs. */
  notice: string | undefined;
}

/** The actions the person's keys turn into; the runner's events are actions too. */
export type UiAction =
  | { type: 'run-requested'; index: number }
  | { type: 'move'; delta: number }
  /** `from`: the row the view starts at while it follows (the reducer does not lay out the page). */
  | { type: 'scroll'; delta: number; from: number; max: number }
  | { type: 'follow' }
  | { type: 'toggle-help' }
  | { type: 'toggle-focus' }
  | { type: 'toggle-diff' }
  | { type: 'toggle-topology' }
  | { type: 'run-all-start' }
  | { type: 'run-all-stop'; notice?: string }
  | { type: 'confirm-wait'; index: number }
  | { type: 'edit-begin' }
  | { type: 'edit-move'; delta: number }
  | { type: 'edit-pick' }
  | { type: 'edit-input'; text: string }
  | { type: 'edit-erase' }
  | { type: 'edit-end' }
  | { type: 'variable-set'; name: string; value: string }
  | { type: 'interrupt-requested' }
  | { type: 'quit-requested' }
  | { type: 'notice'; text: string | undefined };

export type TuiAction = RunEvent | UiAction;

export function initialTuiState(plan: Plan, variables: readonly TuiVariable[] = []): TuiState {
  return {
    // Counted and shown as the summary counts them; RunController.end runs them.
    steps: [...plan.steps, ...plan.teardown],
    teardownFrom: plan.steps.length,
    statuses: [...plan.steps, ...plan.teardown].map(() => 'pending'),
    results: [...plan.steps, ...plan.teardown].map(() => undefined),
    variables: variables.map((variable) => ({ ...variable })),
    selected: 0,
    justRan: undefined,
    running: undefined,
    attempt: 0,
    focus: 'steps',
    scroll: 0,
    follow: true,
    showHelp: false,
    showDiff: false,
    showTopology: false,
    editing: undefined,
    runAll: false,
    runAllFrom: 0,
    awaitingConfirm: undefined,
    interrupting: false,
    quitting: false,
    notice: undefined,
  };
}

/** Statuses a step needs nothing more for: run-all passes over them. */
const DONE: ReadonlySet<TuiStepStatus> = new Set(['passed', 'skipped', 'background-ready']);

export function isDone(status: TuiStepStatus | undefined): boolean {
  return status !== undefined && DONE.has(status);
}

export function passedCount(state: TuiState): number {
  return state.statuses.filter((status) => status === 'passed' || status === 'background-ready').length;
}

/** Every step before the teardown passed (a ready background step counts as passed). */
export function allPassed(state: TuiState): boolean {
  const steps = state.statuses.slice(0, state.teardownFrom);
  return steps.length > 0 && steps.every((status) => status === 'passed' || status === 'background-ready');
}

/**
 * The step Enter runs: the selected one, except right after it ran and passed (its output still
 * in sight), when Enter goes on to the next step not done yet. A step the person went back to
 * runs again.
 */
export function enterTarget(state: TuiState): number | undefined {
  const selected = state.awaitingConfirm ?? state.selected;
  if (state.justRan !== selected || !isDone(state.statuses[selected])) return selected;
  for (let index = selected + 1; index < state.teardownFrom; index++) if (!isDone(state.statuses[index])) return index;
  return undefined;
}

export function isTeardown(state: TuiState, index: number): boolean {
  return index >= state.teardownFrom;
}

/** What run-all does next: run a step, stop before a `confirm` step, or end. */
export function nextRunAllStep(state: TuiState): { kind: 'run' | 'confirm'; index: number } | { kind: 'done' } {
  for (let index = state.runAllFrom; index < state.teardownFrom; index++) {
    if (isDone(state.statuses[index])) continue;
    return { kind: state.steps[index]?.confirm ? 'confirm' : 'run', index };
  }
  return { kind: 'done' };
}

/** The TUI's transitions: pure, so that they are tested without Ink. */
export function tuiReducer(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case 'run-start':
    case 'output':
    case 'run-end':
      // Output lives in the output buffer, off the React tree: no new state, no render.
      return state;
    case 'step-start':
      return onStepStart(state, action.step, action.attempt);
    case 'step-ready':
      return updateStep(state, action.step, (index) => ({ statuses: replace(state.statuses, index, 'background-ready') }));
    case 'step-retry':
      return updateStep(state, action.step, (index) => ({
        results: replace(state.results, index, action.result),
        notice: `retrying ${action.step.name}: ${action.result.reason ?? 'failed'}; again in ${formatDuration(action.delayMs)}`,
      }));
    case 'step-end':
      return onStepEnd(state, action.step, action.result);
    case 'run-requested': {
      if (!inRange(state, action.index)) return state;
      return {
        ...state,
        statuses: replace(state.statuses, action.index, 'running'),
        running: action.index,
        attempt: 1,
        selected: action.index,
        justRan: undefined,
        awaitingConfirm: undefined,
        interrupting: false,
        showDiff: false,
        scroll: 0,
        follow: true,
        notice: undefined,
      };
    }
    case 'move': {
      const selected = clamp(state.selected + action.delta, 0, state.steps.length - 1);
      return selected === state.selected ? state : { ...state, selected, justRan: undefined, scroll: 0, follow: true };
    }
    case 'scroll': {
      const scroll = clamp((state.follow ? action.from : state.scroll) + action.delta, 0, Math.max(0, action.max));
      return scroll === state.scroll && !state.follow ? state : { ...state, scroll, follow: false };
    }
    case 'follow':
      return state.follow ? state : { ...state, follow: true };
    case 'toggle-help':
      return { ...state, showHelp: !state.showHelp, follow: true };
    case 'toggle-focus':
      return state.focus === 'steps'
        ? { ...state, focus: 'output', notice: '↑/↓ scroll the page · Tab goes back to the steps' }
        : { ...state, focus: 'steps', notice: undefined };
    case 'toggle-diff': {
      const result = state.results[state.selected];
      if (!state.showDiff && result?.diff === undefined) {
        return { ...state, notice: `${state.steps[state.selected]?.name ?? 'this step'} has no output mismatch to show` };
      }
      return { ...state, showDiff: !state.showDiff, follow: true, notice: undefined };
    }
    case 'toggle-topology':
      return { ...state, showTopology: !state.showTopology };
    case 'run-all-start':
      return { ...state, runAll: true, runAllFrom: state.selected, awaitingConfirm: undefined, notice: 'running the rest: a stops' };
    case 'run-all-stop':
      return { ...state, runAll: false, awaitingConfirm: undefined, notice: action.notice };
    case 'confirm-wait': {
      const name = state.steps[action.index]?.name ?? '';
      return {
        ...state,
        awaitingConfirm: action.index,
        selected: action.index,
        notice: `${name} needs confirmation: Enter runs it · s skips it · Esc stops`,
      };
    }
    case 'edit-begin': {
      const [only, ...others] = state.variables;
      if (!only) return { ...state, notice: 'this tutorial has no variables' };
      const editing: VariableEdit = others.length === 0 ? valueEdit(only) : { phase: 'pick', index: 0 };
      return { ...state, editing, notice: undefined };
    }
    case 'edit-move': {
      if (state.editing?.phase !== 'pick') return state;
      const index = clamp(state.editing.index + action.delta, 0, state.variables.length - 1);
      return { ...state, editing: { phase: 'pick', index } };
    }
    case 'edit-pick': {
      if (state.editing?.phase !== 'pick') return state;
      const variable = state.variables[state.editing.index];
      return variable ? { ...state, editing: valueEdit(variable) } : state;
    }
    case 'edit-input': {
      if (state.editing?.phase !== 'value') return state;
      // Keys arrive as text, several at once when typed fast: each backspace in it erases a
      // character; other control characters (escape sequences of unhandled keys) are not part of a value.
      let value = state.editing.value;
      for (const part of action.text.split(/([\b\u007f])/)) {
        value = part === '\b' || part === '\u007f' ? Array.from(value).slice(0, -1).join('') : value + stripControl(part);
      }
      return value === state.editing.value ? state : { ...state, editing: { ...state.editing, value } };
    }
    case 'edit-erase': {
      if (state.editing?.phase !== 'value') return state;
      return { ...state, editing: { ...state.editing, value: Array.from(state.editing.value).slice(0, -1).join('') } };
    }
    case 'edit-end':
      return { ...state, editing: undefined };
    case 'variable-set': {
      const variables = state.variables.map((variable) =>
        variable.name === action.name ? { ...variable, value: action.value } : variable,
      );
      return { ...state, variables, editing: undefined, notice: `${action.name} set in every shell` };
    }
    case 'interrupt-requested':
      return {
        ...state,
        interrupting: true,
        runAll: false,
        awaitingConfirm: undefined,
        notice: 'interrupting the step… Ctrl-C again quits',
      };
    case 'quit-requested':
      return {
        ...state,
        quitting: true,
        runAll: false,
        awaitingConfirm: undefined,
        editing: undefined,
        // Before the last step the run ends interrupted and its teardown waits (RunController.end).
        notice: state.statuses
          .slice(0, state.teardownFrom)
          .every((status) => status === 'passed' || status === 'skipped' || status === 'background-ready')
          ? 'finishing: teardown, stopping shells…'
          : 'finishing: stopping shells; the session stays for resume…',
      };
    case 'notice':
      return { ...state, notice: action.text };
  }
}

function onStepStart(state: TuiState, step: PlannedStep, attempt: number): TuiState {
  return updateStep(state, step, (index) => ({
    statuses: replace(state.statuses, index, 'running'),
    running: index,
    attempt,
    // Run-all shows the step it is on; a step started by Enter is selected already.
    selected: state.runAll ? index : state.selected,
    follow: state.runAll || state.selected === index ? true : state.follow,
    showDiff: state.selected === index ? false : state.showDiff,
  }));
}

function onStepEnd(state: TuiState, step: PlannedStep, result: StepResult): TuiState {
  return updateStep(state, step, (index) => {
    const status: TuiStepStatus = result.status === 'passed' && step.background ? 'background-ready' : result.status;
    const failed = status === 'failed';
    // The step just run stays selected, its output in sight, until the person moves on; a
    // skipped step has no output to read, so the next one is selected.
    const last = index >= state.steps.length - 1;
    const advance = state.selected === index && status === 'skipped' && !last;
    const hint = state.selected === index && isDone(status) && status !== 'skipped' && !state.runAll && !last;
    return {
      statuses: replace(state.statuses, index, status),
      results: replace(state.results, index, result),
      running: state.running === index ? undefined : state.running,
      interrupting: state.running === index ? false : state.interrupting,
      selected: advance ? index + 1 : state.selected,
      justRan: state.selected === index && isDone(status) && !advance ? index : state.justRan,
      // A mismatch is what the person needs to see next.
      showDiff: state.selected === index && failed && result.diff !== undefined ? true : state.showDiff,
      runAll: failed ? false : state.runAll,
      notice: failed
        ? `${step.name} failed: ${result.reason ?? `exit ${result.exitCode ?? '?'}`}`
        : result.snapshot
          ? `snapshot written: ${result.snapshot}`
          : hint
            ? `${step.name} passed: ↓ selects the next step, Enter runs it`
            : state.running === index
              ? undefined
              : state.notice,
    };
  });
}

/** Applies a change to the step named like `step`; events about other steps (teardown) change nothing. */
function updateStep(state: TuiState, step: PlannedStep, change: (index: number) => Partial<TuiState>): TuiState {
  const index = state.steps.findIndex((candidate) => candidate.name === step.name);
  return index === -1 ? state : { ...state, ...change(index) };
}

function valueEdit(variable: TuiVariable): VariableEdit {
  // A secret is typed afresh; showing its old value, even masked, would tell its length.
  return { phase: 'value', name: variable.name, secret: variable.secret, value: variable.secret ? '' : variable.value };
}

function replace<T>(items: readonly T[], index: number, item: T): T[] {
  const copy = items.slice();
  copy[index] = item;
  return copy;
}

function inRange(state: TuiState, index: number): boolean {
  return index >= 0 && index < state.steps.length;
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

function stripControl(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, '');
}
