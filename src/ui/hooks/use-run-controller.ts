import { useApp } from 'ink';
import { type Dispatch, useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { UserError } from '../../errors.js';
import type { StepResult } from '../../run/events.js';
import type { StepController, TuiVariable } from '../controller.js';
import { initialTuiState, isTeardown, nextRunAllStep, type TuiAction, type TuiState, tuiReducer } from '../tui-state.js';

export interface RunActions {
  /** Runs step `index` (Enter, `r`, a confirmed step). */
  run(index: number): void;
  skip(index: number): void;
  /** Writes the step's actual output as its snapshot; the step then counts as passed. */
  accept(index: number): void;
  setVariable(name: string, value: string): void;
  /** Ctrl-C: stops the running step; when nothing runs, or on a second Ctrl-C, quits. */
  interrupt(): void;
  /** Waits for a running step (interrupted), finishes the run and hands its exit status to `onExit`. */
  quit(): void;
}

/**
 * The TUI's state over a `StepController`: the controller's events go through `tuiReducer`;
 * the actions do the async work (and run-all's loop), so that components only render.
 * A controller call that throws is a bug: it ends the app with that error.
 */
export function useRunController(
  controller: StepController,
  variables: readonly TuiVariable[],
  onExit: (code: number) => void,
): { state: TuiState; dispatch: Dispatch<TuiAction>; actions: RunActions } {
  const [state, dispatch] = useReducer(tuiReducer, undefined, () => initialTuiState(controller.plan, variables));
  const { exit } = useApp();
  const latest = useRef(state);
  latest.current = state;
  /** The running step's promise: set before React knows a step runs, so that nothing starts twice. */
  const running = useRef<Promise<unknown> | undefined>(undefined);
  const quitting = useRef(false);
  /** Ctrl-C was pressed during the running step: kept off React's state, since a second press can come before a render. */
  const interrupted = useRef(false);

  useEffect(() => controller.subscribe((event) => dispatch(event)), [controller]);

  const fail = useCallback((error: unknown) => exit(error instanceof Error ? error : new Error(String(error))), [exit]);

  const settle = useCallback((index: number, result: StepResult) => {
    const step = latest.current.steps[index];
    // The controller emits step-end itself; dispatching the result again changes nothing then,
    // and keeps the TUI right with a controller that does not.
    if (step) dispatch({ type: 'step-end', step, result });
  }, []);

  const actions = useMemo<RunActions>(() => {
    /** Teardown steps run once, when the run ends (RunController.end): a key does not run or skip them. */
    const teardownWaits = (index: number): boolean => {
      if (!isTeardown(latest.current, index)) return false;
      dispatch({ type: 'notice', text: 'teardown steps run when the run ends: q runs them once every step passed' });
      return true;
    };
    const run = (index: number) => {
      const step = latest.current.steps[index];
      if (!step || running.current || quitting.current || teardownWaits(index)) return;
      dispatch({ type: 'run-requested', index });
      interrupted.current = false;
      const work = controller.runStep(step).then(
        (result) => {
          running.current = undefined;
          settle(index, result);
        },
        (error: unknown) => {
          running.current = undefined;
          fail(error);
        },
      );
      running.current = work;
    };
    const quit = () => {
      if (quitting.current) return;
      quitting.current = true;
      dispatch({ type: 'quit-requested' });
      void (async () => {
        try {
          if (running.current) {
            controller.interrupt();
            await running.current;
          }
          onExit(await controller.finish());
        } catch (error) {
          fail(error);
        }
      })();
    };
    return {
      run,
      skip(index) {
        const step = latest.current.steps[index];
        if (!step || running.current || quitting.current || teardownWaits(index)) return;
        try {
          settle(index, controller.skipStep(step));
        } catch (error) {
          fail(error);
        }
      },
      accept(index) {
        const step = latest.current.steps[index];
        const result = latest.current.results[index];
        if (!step || !result || running.current || quitting.current) return;
        dispatch({ type: 'notice', text: `writing the snapshot of ${step.name}…` });
        controller.acceptOutput(step, result).then(
          (snapshot) => settle(index, { ...result, status: 'passed', check: 'updated', snapshot, diff: undefined }),
          // What the person can act on (a tutorial that came with alts-tutor, which is never written: where a copy would go) is told; the TUI stays.
          (error: unknown) =>
            error instanceof UserError
              ? dispatch({ type: 'notice', text: error.hint ? `${error.message}; ${error.hint}` : error.message })
              : fail(error),
        );
      },
      setVariable(name, value) {
        const variable = latest.current.variables.find((candidate) => candidate.name === name);
        if (!variable || running.current || quitting.current) return;
        dispatch({ type: 'edit-end' });
        dispatch({ type: 'notice', text: `setting ${name}…` });
        controller.setVariable(name, value, variable.secret).then(() => dispatch({ type: 'variable-set', name, value }), fail);
      },
      interrupt() {
        if (!running.current || interrupted.current || latest.current.interrupting) {
          quit();
          return;
        }
        interrupted.current = true;
        dispatch({ type: 'interrupt-requested' });
        controller.interrupt();
      },
      quit,
    };
  }, [controller, onExit, fail, settle]);

  // Run-all: whenever nothing runs, the reducer says what comes next; this only carries it out.
  useEffect(() => {
    if (!state.runAll || state.running !== undefined || state.awaitingConfirm !== undefined || running.current || quitting.current) return;
    const next = nextRunAllStep(state);
    if (next.kind === 'done') dispatch({ type: 'run-all-stop', notice: 'run all: no steps left to run' });
    else if (next.kind === 'confirm') dispatch({ type: 'confirm-wait', index: next.index });
    else actions.run(next.index);
  }, [state, actions]);

  return { state, dispatch, actions };
}
