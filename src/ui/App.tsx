import { Box, type Key, useInput } from 'ink';
import { useCallback, useMemo, useRef, useState } from 'react';
import { countResources } from '../cloud/ledger.js';
import { showControls, visibleOutput } from '../report/visible-text.js';
import { Footer, type FooterMode, noticeRows } from './components/Footer.js';
import { Header } from './components/Header.js';
import { followTop, maxTop, type PageOutput, StepDetail, type StepPage, stepPage } from './components/StepDetail.js';
import { StepList, StepStrip } from './components/StepList.js';
import { Topology } from './components/Topology.js';
import { VariablePrompt } from './components/VariablePrompt.js';
import type { StepController } from './controller.js';
import { useCloudResources } from './hooks/use-cloud-resources.js';
import { isMouseReport, useMouseWheel, wheelDelta } from './hooks/use-mouse-wheel.js';
import { useOutputBuffer } from './hooks/use-output-buffer.js';
import { usePager } from './hooks/use-pager.js';
import { type RunActions, useRunController } from './hooks/use-run-controller.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useTicker } from './hooks/use-ticker.js';
import { keyHelpRows } from './key-help.js';
import type { OutputBuffer } from './output-buffer.js';
import { pageLeads } from './page-leads.js';
import type { Tint } from './theme.js';
import { allPassed, enterTarget, passedCount, type TuiAction, type TuiState, tuiReducer } from './tui-state.js';
import { LineWrapper } from './wrap-rows.js';

export interface AppProps {
  controller: StepController;
  /** Variables `e` can change; secret ones are typed and shown masked. */
  variables: Array<{ name: string; value: string; secret: boolean }>;
  /** A text diagram of the lab, shown with `t`. */
  topology?: string;
  /** Called once, with the run's exit status, after `controller.finish()`. */
  onExit(code: number): void;
}

/** Lines of the header. */
const HEADER_LINES = 2;
/** Narrower than this, the step list collapses to one row and the page takes the screen. */
const NARROW = 70;
/** The step list's share of a wide terminal. */
const LIST_WIDTH = (columns: number) => Math.max(24, Math.min(40, Math.floor(columns * 0.28)));
/** Lines of output a page holds (the buffer's ring holds as many; the log has them all). */
const PAGE_LINES = 2000;

/** The interactive run: step list on the left (one row when narrow), the selected step's page on the right. */
export function App({ controller, variables, topology, onExit }: AppProps) {
  const { state, dispatch, actions } = useRunController(controller, variables, onExit);
  const buffer = useOutputBuffer(controller);
  const cloud = useCloudResources(controller);
  const { columns, rows } = useTerminalSize();
  const mouse = useMouseWheel();
  const [startedAt] = useState(() => Date.now());
  useTicker(1000, !state.quitting);

  const mode: FooterMode = state.quitting
    ? 'quitting'
    : state.editing
      ? 'edit'
      : state.awaitingConfirm !== undefined
        ? 'confirm'
        : state.showHelp
          ? 'help'
          : 'steps';
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

  // A frame as tall as the terminal makes Ink clear the screen on every render: stay one row short.
  const height = Math.max(6, rows - 1);
  const narrow = columns < NARROW;
  const listWidth = narrow ? columns : LIST_WIDTH(columns);
  const paneWidth = narrow ? columns : columns - listWidth - 1;
  const bodyHeight = Math.max(2, height - HEADER_LINES - noticeRows(notice, columns) - 1);
  const paneHeight = narrow ? Math.max(1, bodyHeight - 1) : bodyHeight;

  const step = state.steps[state.selected];
  const result = state.results[state.selected];
  const status = state.statuses[state.selected] ?? 'pending';
  const diff = state.showDiff ? result?.diff : undefined;
  const last = state.selected === state.steps.length - 1;
  const { tutorial } = controller.plan;
  const leads = useMemo(() => pageLeads(tutorial.steps, state.steps), [tutorial, state.steps]);
  const closing = last ? [leads.tail, tutorial.closing ?? ''].filter((text) => text !== '').join('\n\n') : undefined;
  const lead = step ? leads.leads.get(step.name) : undefined;
  const version = buffer.owner === step?.name ? buffer.version : -1;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the buffer changes in place; its version says when
  const output = useMemo(() => pageOutput(step?.name, result?.output, buffer), [step?.name, result?.output, buffer, version]);
  const lines = useMemo(() => new LineWrapper(paneWidth), [paneWidth]);
  const page: StepPage = useMemo(() => {
    if (state.showHelp) return { rows: keyHelpRows(paneWidth), anchor: 0 };
    if (!step) return { rows: [], anchor: 0 };
    const input = { step, index: state.selected, total: state.steps.length, status, result, variables: state.variables, output };
    const extras = { ...(diff !== undefined && { diff }), ...(closing !== undefined && { closing }), ...(lead !== undefined && { lead }) };
    return stepPage({ ...input, width: paneWidth, lines, ...extras });
  }, [
    state.showHelp,
    step,
    state.selected,
    state.steps.length,
    status,
    result,
    state.variables,
    output,
    diff,
    closing,
    lead,
    paneWidth,
    lines,
  ]);
  const view: ViewPosition = {
    top: state.follow ? followTop(page, paneHeight) : Math.min(state.scroll, maxTop(page, paneHeight)),
    max: maxTop(page, paneHeight),
    page: Math.max(1, paneHeight - 2),
  };

  const mouseWanted = useRef(true);
  const openPager = usePager(
    useCallback(() => mouse.set(false), [mouse]),
    useCallback(() => mouse.set(mouseWanted.current), [mouse]),
  );
  const openLog = () => {
    const logPath = state.results[latest.current.selected]?.logPath;
    if (!logPath) {
      dispatch({ type: 'notice', text: 'this step has not run yet: it has no log' });
      return;
    }
    const problem = openPager(logPath);
    dispatch({ type: 'notice', text: problem ?? `closed the log of ${state.steps[latest.current.selected]?.name ?? 'the step'}` });
  };
  const toggleMouse = () => {
    mouseWanted.current = !mouse.on;
    mouse.set(mouseWanted.current);
    dispatch({
      type: 'notice',
      text: mouseWanted.current ? 'mouse wheel scrolls the page' : 'mouse wheel off: the terminal selects text; m turns it on',
    });
  };

  // Keys can come faster than React renders (a paste, key repeat): each key must see what the
  // keys before it did, so they read a state advanced by the same pure reducer as they dispatch.
  const latest = useRef(state);
  latest.current = state;
  const dispatchNow = (action: TuiAction) => {
    latest.current = tuiReducer(latest.current, action);
    dispatch(action);
  };
  useInput((input, key) => handleKey(input, key, latest.current, dispatchNow, actions, { topology, view, openLog, toggleMouse }));

  const pane = state.editing ? (
    <VariablePrompt variables={state.variables} editing={state.editing} />
  ) : state.showTopology && topology !== undefined ? (
    <Topology diagram={topology} height={paneHeight} />
  ) : (
    <StepDetail page={page} top={view.top} height={paneHeight} focused={state.focus === 'output'} />
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
      <Box flexDirection={narrow ? 'column' : 'row'} height={bodyHeight} overflow="hidden">
        {narrow ? (
          <StepStrip steps={state.steps} statuses={state.statuses} selected={state.selected} width={columns} />
        ) : (
          <StepList
            steps={state.steps}
            statuses={state.statuses}
            selected={state.selected}
            height={bodyHeight}
            width={listWidth}
            focused={state.focus === 'steps'}
          />
        )}
        <Box flexDirection="column" width={paneWidth} height={paneHeight} marginLeft={narrow ? 0 : 1} overflow="hidden">
          {pane}
        </Box>
      </Box>
      <Footer mode={mode} notice={notice} noticeColor={noticeColor} width={columns} />
    </Box>
  );
}

/** The output of the step: the live buffer when it is that step's, else what its result kept; the last PAGE_LINES lines. */
function pageOutput(name: string | undefined, kept: string | undefined, buffer: OutputBuffer): PageOutput | undefined {
  if (name === undefined) return undefined;
  if (buffer.owner === name) return { lines: buffer.lines().map(showControls), dropped: buffer.droppedLines };
  if (kept === undefined) return undefined;
  const lines = kept === '' ? [] : visibleOutput(kept.replace(/\n$/, '')).split('\n');
  const dropped = Math.max(0, lines.length - PAGE_LINES);
  return { lines: dropped > 0 ? lines.slice(dropped) : lines, dropped };
}

/** Where the page view stands: its first row, the last it can start at, and a screen's worth of rows. */
interface ViewPosition {
  top: number;
  max: number;
  page: number;
}

interface KeyContext {
  topology: string | undefined;
  view: ViewPosition;
  /** `l`: the step's full log in the pager. */
  openLog(): void;
  /** `m`: mouse reporting on or off. */
  toggleMouse(): void;
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
  // Two Ctrl-C pressed fast can come as one input ("\x03\x03"): each one counts.
  const ctrlC = key.ctrl && input === 'c' ? 1 : input.split('\u0003').length - 1;
  if (ctrlC > 0) {
    for (let press = 0; press < ctrlC; press++) actions.interrupt();
    return;
  }
  if (state.quitting) return;
  if (isMouseReport(input)) {
    // The wheel scrolls the page; clicks do nothing (and are never typed into a value).
    const wheel = wheelDelta(input);
    if (wheel !== undefined && !state.editing) scroll(wheel * 3, dispatch, context.view);
    return;
  }
  if (state.editing) {
    editKey(input, key, state, dispatch, actions);
    return;
  }
  const busy = state.running !== undefined;
  const needsIdle = (then: () => void) => {
    if (busy) dispatch({ type: 'notice', text: 'a step is running: wait for it, or Ctrl-C to stop it' });
    else then();
  };
  if (key.upArrow || key.downArrow) {
    const delta = key.upArrow ? -1 : 1;
    if (state.focus === 'output') scroll(delta, dispatch, context.view);
    else dispatch({ type: 'move', delta });
    return;
  }
  if (key.pageUp || key.pageDown) {
    scroll((key.pageUp ? -1 : 1) * context.view.page, dispatch, context.view);
    return;
  }
  if (key.home) {
    scroll(-Number.MAX_SAFE_INTEGER, dispatch, context.view);
    return;
  }
  if (key.end) {
    dispatch({ type: 'follow' });
    return;
  }
  if (key.tab) {
    dispatch({ type: 'toggle-focus' });
    return;
  }
  if (key.escape) {
    if (state.runAll || state.awaitingConfirm !== undefined) dispatch({ type: 'run-all-stop', notice: 'run all stopped' });
    else if (state.showHelp) dispatch({ type: 'toggle-help' });
    else if (state.showDiff) dispatch({ type: 'toggle-diff' });
    else if (state.focus === 'output') dispatch({ type: 'toggle-focus' });
    return;
  }
  if (key.return) {
    needsIdle(() => {
      const target = enterTarget(state);
      if (target === undefined) dispatch({ type: 'notice', text: 'every step has run: ↑ selects one to run again, q quits' });
      else actions.run(target);
    });
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
    case '?':
      dispatch({ type: 'toggle-help' });
      return;
    case 'l':
      needsIdle(context.openLog);
      return;
    case 'm':
      context.toggleMouse();
      return;
    default:
  }
}

/** Scrolls the page view by `delta` rows from where it stands (following or not). */
function scroll(delta: number, dispatch: (action: TuiAction) => void, view: ViewPosition): void {
  dispatch({ type: 'scroll', delta, from: view.top, max: view.max });
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
  else if (!key.ctrl && !key.meta && input !== '') {
    // Typed fast or pasted, the value and its Enter come as one input: the Enter sets what is before it.
    const enter = /[\r\n]/.exec(input);
    const text = enter ? input.slice(0, enter.index) : input;
    dispatch({ type: 'edit-input', text });
    if (!enter) return;
    const typed = tuiReducer(state, { type: 'edit-input', text }).editing;
    if (typed?.phase === 'value') actions.setVariable(typed.name, typed.value);
  }
}
