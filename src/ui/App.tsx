import { Box, type Key, useInput } from 'ink';
import { useRef, useState } from 'react';
import { countResources } from '../cloud/ledger.js';
import { DiffView } from './components/DiffView.js';
import { Footer, type FooterMode } from './components/Footer.js';
import { Header } from './components/Header.js';
import { OutputPane } from './components/OutputPane.js';
import { StepDetail } from './components/StepDetail.js';
import { StepList } from './components/StepList.js';
import { Topology } from './components/Topology.js';
import { VariablePrompt } from './components/VariablePrompt.js';
import type { StepController } from './controller.js';
import { useCloudResources } from './hooks/use-cloud-resources.js';
import { useOutputBuffer } from './hooks/use-output-buffer.js';
import { type RunActions, useRunController } from './hooks/use-run-controller.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useTicker } from './hooks/use-ticker.js';
import type { OutputBuffer } from './output-buffer.js';
import type { Tint } from './theme.js';
import { allPassed, passedCount, type TuiAction, type TuiState, tuiReducer } from './tui-state.js';

export interface AppProps {
  controller: StepController;
  /** Variables `e` can change; secret ones are typed and shown masked. */
  variables: Array<{ name: string; value: string; secret: boolean }>;
  /** A text diagram of the lab, shown with `t`. */
  topology?: string;
  /** Called once, with the run's exit status, after `controller.finish()`. */
  onExit(code: number): void;
}

/** Lines of the header and the least the footer takes. */
const HEADER_LINES = 2;
/** The step list's share of a wide terminal. */
const LIST_WIDTH = (columns: number) => Math.max(24, Math.min(40, Math.floor(columns * 0.32)));

/** The interactive run: step list on the left, the selected step and its output on the right. */
export function App({ controller, variables, topology, onExit }: AppProps) {
  const { state, dispatch, actions } = useRunController(controller, variables, onExit);
  const buffer = useOutputBuffer(controller);
  const cloud = useCloudResources(controller);
  const { columns, rows } = useTerminalSize();
  const [startedAt] = useState(() => Date.now());
  useTicker(1000, !state.quitting);

  const mode: FooterMode = state.quitting ? 'quitting' : state.editing ? 'edit' : state.awaitingConfirm !== undefined ? 'confirm' : 'steps';
  // A frame as tall as the terminal makes Ink clear the screen on every render: stay one row short.
  const height = Math.max(8, rows - 1);
  const footerLines = 1 + Math.ceil(KEY_WIDTH[mode] / Math.max(20, columns));
  const bodyHeight = Math.max(3, height - HEADER_LINES - footerLines);
  const wide = columns >= 70;
  const listWidth = wide ? LIST_WIDTH(columns) : columns;
  const listHeight = wide ? bodyHeight : Math.min(state.steps.length + 2, Math.max(3, Math.floor(bodyHeight / 3)));
  const paneWidth = wide ? columns - listWidth - 1 : columns;
  const paneHeight = wide ? bodyHeight : bodyHeight - listHeight;
  const detailHeight = Math.max(3, Math.floor(paneHeight * 0.45));
  const lowerHeight = Math.max(2, paneHeight - detailHeight);

  const step = state.steps[state.selected];
  const result = state.results[state.selected];
  const diff = state.showDiff ? result?.diff : undefined;
  const outputLines = paneLines(state, buffer, lowerHeight - 1);
  const maxScroll = diff !== undefined ? diff.split('\n').length : Math.max(0, outputLength(state, buffer) - (lowerHeight - 1));

  // Keys can come faster than React renders (a paste, key repeat): each key must see what the
  // keys before it did, so they read a state advanced by the same pure reducer as they dispatch.
  const latest = useRef(state);
  latest.current = state;
  const dispatchNow = (action: TuiAction) => {
    latest.current = tuiReducer(latest.current, action);
    dispatch(action);
  };
  useInput((input, key) =>
    handleKey(input, key, latest.current, dispatchNow, actions, { topology, maxScroll, page: Math.max(1, lowerHeight - 2) }),
  );

  const done = allPassed(state);
  const teardown = state.steps.length - state.teardownFrom;
  const notice =
    done && !state.quitting
      ? `All ${state.teardownFrom} steps passed. q ${teardown > 0 ? `runs the teardown (${teardown}) and quits` : 'quits'}.`
      : state.notice;
  const noticeColor: Tint | undefined = done
    ? 'green'
    : state.awaitingConfirm !== undefined || state.interrupting
      ? 'yellow'
      : state.notice?.includes('failed')
        ? 'red'
        : undefined;

  const lower = state.editing ? (
    <VariablePrompt variables={state.variables} editing={state.editing} />
  ) : diff !== undefined ? (
    <DiffView diff={diff} height={lowerHeight} scroll={state.scroll} />
  ) : (
    <OutputPane
      lines={outputLines}
      height={lowerHeight}
      focused={state.focus === 'output'}
      title={step ? `output of ${step.name}` : 'output'}
      scroll={state.scroll}
    />
  );

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header
        title={controller.plan.tutorial.title}
        target={controller.plan.target.name}
        hosts={Object.keys(controller.plan.target.hosts)}
        passed={passedCount(state)}
        total={state.steps.length}
        elapsedMs={Date.now() - startedAt}
        cloud={countResources(cloud)}
      />
      <Box flexDirection={wide ? 'row' : 'column'} height={bodyHeight} overflow="hidden">
        <StepList
          steps={state.steps}
          statuses={state.statuses}
          selected={state.selected}
          height={listHeight}
          width={listWidth}
          focused={state.focus === 'steps'}
        />
        <Box flexDirection="column" width={paneWidth} height={paneHeight} marginLeft={wide ? 1 : 0} overflow="hidden">
          {state.showTopology && topology !== undefined ? (
            <Topology diagram={topology} height={paneHeight} />
          ) : step ? (
            <>
              <StepDetail
                step={step}
                index={state.selected}
                total={state.steps.length}
                status={state.statuses[state.selected] ?? 'pending'}
                result={result}
                height={detailHeight}
                commandLines={Math.max(1, Math.floor(detailHeight / 2))}
                variables={state.variables}
              />
              {lower}
            </>
          ) : (
            lower
          )}
        </Box>
      </Box>
      <Footer mode={mode} notice={notice} noticeColor={noticeColor} />
    </Box>
  );
}

/** Width of each mode's key line (as Footer writes it), to know how many rows it wraps to. */
const KEY_WIDTH: Record<FooterMode, number> = { steps: 120, confirm: 55, edit: 25, quitting: 1 };

/** The output of the selected step: the live buffer when it is that step's, else what its result kept. */
function paneLines(state: TuiState, buffer: OutputBuffer, height: number): string[] {
  const step = state.steps[state.selected];
  if (!step) return [];
  if (buffer.owner === step.name) return buffer.tail(height, state.scroll);
  const output = state.results[state.selected]?.output;
  if (!output) return [];
  const lines = output.replace(/\n$/, '').split('\n');
  const end = Math.max(0, lines.length - state.scroll);
  return lines.slice(Math.max(0, end - height), end);
}

function outputLength(state: TuiState, buffer: OutputBuffer): number {
  const step = state.steps[state.selected];
  if (!step) return 0;
  if (buffer.owner === step.name) return buffer.length;
  return state.results[state.selected]?.output.replace(/\n$/, '').split('\n').length ?? 0;
}

interface KeyContext {
  topology: string | undefined;
  maxScroll: number;
  page: number;
}

/** One key press: what it means depends on what the TUI is doing. */
export function handleKey(
  input: string,
  key: Key,
  state: TuiState,
  dispatch: (action: TuiAction) => void,
  actions: RunActions,
  context: KeyContext,
): void {
  if (key.ctrl && input === 'c') {
    actions.interrupt();
    return;
  }
  if (state.quitting) return;
  if (state.editing) {
    editKey(input, key, state, dispatch, actions);
    return;
  }
  const busy = state.running !== undefined;
  const needsIdle = (then: () => void) => {
    if (busy) dispatch({ type: 'notice', text: 'a step is running: wait for it, or Ctrl-C to stop it' });
    else then();
  };
  const scrolling = state.focus === 'output' || state.showDiff;
  const diffShown = state.showDiff && state.results[state.selected]?.diff !== undefined;
  const scrollSign = diffShown ? 1 : -1;
  if (key.upArrow || key.downArrow) {
    const delta = key.upArrow ? -1 : 1;
    if (state.focus === 'output') dispatch({ type: 'scroll', delta: delta * scrollSign, max: context.maxScroll });
    else dispatch({ type: 'move', delta });
    return;
  }
  if (key.pageUp || key.pageDown) {
    const delta = (key.pageUp ? -1 : 1) * context.page;
    if (scrolling) dispatch({ type: 'scroll', delta: delta * scrollSign, max: context.maxScroll });
    else dispatch({ type: 'move', delta });
    return;
  }
  if (key.tab) {
    dispatch({ type: 'toggle-focus' });
    return;
  }
  if (key.escape) {
    if (state.runAll || state.awaitingConfirm !== undefined) dispatch({ type: 'run-all-stop', notice: 'run all stopped' });
    else if (state.showDiff) dispatch({ type: 'toggle-diff' });
    else if (state.focus === 'output') dispatch({ type: 'toggle-focus' });
    return;
  }
  if (key.return) {
    needsIdle(() => actions.run(state.awaitingConfirm ?? state.selected));
    return;
  }
  switch (input) {
    case 'a':
      if (state.runAll || state.awaitingConfirm !== undefined) dispatch({ type: 'run-all-stop', notice: 'run all stops after this step' });
      else dispatch({ type: 'run-all-start' });
      return;
    case 's':
      needsIdle(() => actions.skip(state.awaitingConfirm ?? state.selected));
      return;
    case 'r':
      needsIdle(() => {
        if (state.statuses[state.selected] === 'failed') actions.run(state.selected);
        else dispatch({ type: 'notice', text: 'r retries a failed step; Enter runs the selected one' });
      });
      return;
    case 'e':
      needsIdle(() => dispatch({ type: 'edit-begin' }));
      return;
    case 'd':
      dispatch({ type: 'toggle-diff' });
      return;
    case 'u':
      needsIdle(() => {
        if (state.results[state.selected]?.diff !== undefined && state.statuses[state.selected] === 'failed')
          actions.accept(state.selected);
        else dispatch({ type: 'notice', text: 'u accepts the output of a step whose output did not match' });
      });
      return;
    case 't':
      if (context.topology === undefined) dispatch({ type: 'notice', text: 'this tutorial has no topology diagram' });
      else dispatch({ type: 'toggle-topology' });
      return;
    case 'q':
      actions.quit();
      return;
    default:
  }
}

function editKey(input: string, key: Key, state: TuiState, dispatch: (action: TuiAction) => void, actions: RunActions): void {
  const editing = state.editing;
  if (!editing) return;
  if (key.escape) dispatch({ type: 'edit-end' });
  else if (editing.phase === 'pick') {
    if (key.upArrow || key.downArrow) dispatch({ type: 'edit-move', delta: key.upArrow ? -1 : 1 });
    else if (key.return) dispatch({ type: 'edit-pick' });
  } else if (key.return) actions.setVariable(editing.name, editing.value);
  else if (key.backspace || key.delete) dispatch({ type: 'edit-erase' });
  else if (!key.ctrl && !key.meta && input !== '') dispatch({ type: 'edit-input', text: input });
}
