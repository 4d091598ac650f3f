import { UserError } from '../errors.js';
import type { Plan, PlannedStep } from '../plan/plan-steps.js';
import { colourDiffLine, type Paint } from '../report/colors.js';
import { showControls } from '../report/visible-text.js';
import type { RunListener, StepResult } from '../run/events.js';
import { isMismatch, type MismatchReviewer, type ReviewDecision, reviewingDriver } from '../run/review-run.js';
import type { TestIo } from '../run/test-tutorials.js';

export interface ReviewTerminal {
  /** Where the review writes: the same stream as the report, so that the two keep their order. */
  write(text: string): void;
  /** Writes out what `write` has batched, before waiting for a key. */
  flush(): void;
  paint: Paint;
  input: NodeJS.ReadStream;
  /** Lines of a diff shown before "… n more lines": the terminal's height, less the prompt's. */
  diffLines: number;
}

const KEYS = 'a accept · s skip · A accept all · q quit';

/**
 * `test -i`: each mismatch, as it happens, shown with its diff and decided by one key: `a`
 * accepts it (written as `-u` writes), `s` skips it (it stays failed; the run goes on), `A`
 * accepts it and every mismatch after it, `q` stops asking (this mismatch and those after it
 * fail as without `-i`). Refused (exit 2) where nobody can answer.
 */
export class MismatchReview implements MismatchReviewer {
  private mode: 'ask' | 'accept-all' | 'quit' = 'ask';
  private wasInterrupted = false;
  /** The reporter's `step-end` of the mismatch under review: said once it is decided. */
  private held: (() => void) | undefined;
  /** Ends the wait for a key when the run is interrupted meanwhile (a SIGTERM). */
  private cancelKey: (() => void) | undefined;
  /** The session of the run under review, for the `alts-tutor logs` line under a long diff. */
  private sessionId = '';
  readonly drive = reviewingDriver(this);

  constructor(private readonly terminal: ReviewTerminal) {}

  /**
   * The reporter's listener, with each mismatch's `step-end` held back until it is decided:
   * an accepted step is reported once, as passed with its snapshot written; a skipped one as
   * failed, with its diff, as without review.
   */
  listener(inner: RunListener): RunListener {
    return (event) => {
      if (event.type === 'run-start') this.sessionId = event.sessionId;
      if (event.type === 'step-end' && !event.step.teardown && isMismatch(event.result)) {
        this.held?.();
        this.held = () => inner(event);
        return;
      }
      inner(event);
    };
  }

  /** Wraps the CLI's interrupt handling: a Ctrl-C during the review ends it and the run. */
  onInterrupt(handler: TestIo['onInterrupt']): TestIo['onInterrupt'] {
    return (interrupt, kill) =>
      handler(() => {
        this.wasInterrupted = true;
        this.cancelKey?.();
        interrupt();
      }, kill);
  }

  interrupted(): boolean {
    return this.wasInterrupted;
  }

  async decide(step: PlannedStep, result: StepResult, plan: Plan): Promise<ReviewDecision> {
    const decision = await this.choose(step, result, plan);
    const held = this.held;
    this.held = undefined;
    // Accepted: the controller reports the step again, as passed; the failure is never said.
    if (decision !== 'accept') held?.();
    return decision;
  }

  private async choose(step: PlannedStep, result: StepResult, plan: Plan): Promise<ReviewDecision> {
    if (this.wasInterrupted || this.mode === 'quit') return 'stop';
    if (this.mode === 'accept-all') {
      this.terminal.write(`${this.terminal.paint('dim', `accepting ${showControls(step.name)} (accept all)`)}\n`);
      return 'accept';
    }
    const { write, paint } = this.terminal;
    write(
      `\n${paint('bold', `review ${showControls(step.name)}`)} ${paint('dim', showControls(`(${plan.tutorial.id}, ${plan.tutorial.file}:${step.line})`))}: ${showControls(result.reason ?? 'output differs')}\n`,
    );
    const lines = (result.diff ?? '').replace(/\n$/, '').split('\n');
    const shown = lines.length > this.terminal.diffLines ? lines.slice(0, this.terminal.diffLines - 1) : lines;
    for (const line of shown) write(`  ${colourDiffLine(showControls(line), paint)}\n`);
    if (shown.length < lines.length) {
      const more = `… ${lines.length - shown.length} more lines of diff; the whole output: alts-tutor logs ${this.sessionId} ${step.name}`;
      write(`  ${paint('dim', showControls(more))}\n`);
    }
    for (;;) {
      write(`${paint('cyan', KEYS)} › `);
      this.terminal.flush();
      const key = await this.readKey();
      if (key === undefined || key === '\u0003') {
        write('\n');
        this.terminal.flush();
        // Raw mode turned Ctrl-C into a byte: it is sent on as the signal, so it means what it always does.
        if (key === '\u0003') process.kill(process.pid, 'SIGINT');
        this.wasInterrupted = true;
        return 'stop';
      }
      const choice = ({ a: 'accept', s: 'skip', A: 'accept all', q: 'quit', '\u0004': 'quit' } as const)[key];
      if (choice === undefined) {
        write(`${paint('yellow', `"${showControls(key)}" is none of these keys`)}\n`);
        continue;
      }
      write(`${choice}\n`);
      if (choice === 'accept all') this.mode = 'accept-all';
      if (choice === 'quit') this.mode = 'quit';
      return choice === 'accept' || choice === 'accept all' ? 'accept' : choice === 'skip' ? 'skip' : 'stop';
    }
  }

  /** One key press, read raw; undefined when input ended or the run was interrupted meanwhile. */
  private readKey(): Promise<string | undefined> {
    const { input } = this.terminal;
    return new Promise((resolve) => {
      const done = (key: string | undefined) => {
        input.off('data', onData);
        input.off('end', onEnd);
        this.cancelKey = undefined;
        input.setRawMode(false);
        input.pause();
        resolve(key);
      };
      const onData = (chunk: Buffer) => done(chunk.toString('utf8').slice(0, 1));
      const onEnd = () => done(undefined);
      this.cancelKey = () => done(undefined);
      input.setRawMode(true);
      input.on('data', onData);
      input.once('end', onEnd);
      input.resume();
    });
  }
}

/**
 * The review for `test -i`, or the reason there can be none (exit 2): a terminal to answer on,
 * and a run that may write.
 */
export function openReview(
  options: { ci: boolean; updateSnapshots: boolean },
  terminal: Omit<ReviewTerminal, 'input' | 'diffLines'>,
  input: NodeJS.ReadStream = process.stdin,
): MismatchReview {
  if (options.updateSnapshots) throw new UserError('-i and -u together: -u accepts every new output already', 'give one of them');
  if (options.ci) {
    throw new UserError('-i writes what you accept, which never happens with --ci or CI set', 'run test -i where CI is not set');
  }
  if (!input.isTTY) {
    throw new UserError(
      'test -i asks about each mismatch on a terminal, and stdin is not one',
      'run it in a terminal, or accept every new output with -u',
    );
  }
  return new MismatchReview({ ...terminal, input, diffLines: Math.max(10, (process.stdout.rows || 40) - 8) });
}

/** The test's io, with the review driving each run and holding back the reports of mismatches. */
export function withReview(review: MismatchReview | undefined, io: TestIo): TestIo {
  if (!review) return io;
  return {
    ...io,
    reporter: (secrets) => review.listener(io.reporter(secrets)),
    onInterrupt: review.onInterrupt(io.onInterrupt),
    drive: review.drive,
  };
}
