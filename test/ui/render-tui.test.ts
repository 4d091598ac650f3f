import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { renderTui } from '../../src/ui/render-tui.js';
import { FakeController, plannedStep, testPlan, waitFor } from './helpers.js';

/** Just enough of a terminal for Ink: a stdout that keeps what it is sent, a stdin we type into. */
class FakeTerminal {
  readonly stdout = Object.assign(new EventEmitter(), {
    columns: 80,
    rows: 24,
    isTTY: false,
    written: [] as string[],
    write(text: string) {
      this.written.push(text);
      return true;
    },
  });
  readonly stderr = Object.assign(new EventEmitter(), {
    written: [] as string[],
    write(text: string) {
      this.written.push(text);
      return true;
    },
  });
  readonly stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    data: null as string | null,
    rawMode: [] as boolean[],
    setEncoding() {},
    setRawMode(mode: boolean) {
      this.rawMode.push(mode);
    },
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const { data } = this;
      this.data = null;
      return data;
    },
  });

  type(text: string): void {
    this.stdin.data = text;
    this.stdin.emit('readable');
    this.stdin.emit('data', text);
  }

  streams() {
    return {
      stdout: this.stdout as unknown as NodeJS.WriteStream,
      stderr: this.stderr as unknown as NodeJS.WriteStream,
      stdin: this.stdin as unknown as NodeJS.ReadStream,
    };
  }
}

describe('renderTui', () => {
  test('resolves with the exit status of finish() once q is pressed, and gives the terminal back', async () => {
    const terminal = new FakeTerminal();
    const controller = new FakeController(testPlan([plannedStep('install')]));
    controller.finishCode = 1;
    const exited = renderTui({ controller, variables: [], ...terminal.streams(), env: {} });
    await waitFor(() => expect(terminal.stdin.rawMode).toContain(true));
    terminal.type('q');
    await expect(exited).resolves.toBe(1);
    expect(controller.calls).toEqual(['finish']);
    expect(terminal.stdout.written.join('')).toContain('ALTS between two VMs');
    // Raw mode on while the app listened, off once it is gone.
    expect(terminal.stdin.rawMode.at(-1)).toBe(false);
    expect(terminal.stdin.listenerCount('readable')).toBe(0);
  });

  test('an error in the app unmounts it, is thrown on for the CLI to print, and the run is still finished', async () => {
    const terminal = new FakeTerminal();
    const controller = new FakeController(testPlan([plannedStep('install')]));
    controller.runStep = () => Promise.reject(new Error('shell went away'));
    const exited = renderTui({ controller, variables: [], ...terminal.streams(), env: {} });
    await waitFor(() => expect(terminal.stdin.rawMode).toContain(true));
    terminal.type('\r');
    await expect(exited).rejects.toThrow('shell went away');
    expect(controller.calls).toEqual(['finish']);
    expect(terminal.stdin.rawMode.at(-1)).toBe(false);
  });
});
