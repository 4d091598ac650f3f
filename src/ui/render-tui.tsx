import { type Instance, render } from 'ink';
import { EXIT } from '../errors.js';
import { App, type AppProps } from './App.js';
import { ColorContext, colorsAllowed } from './theme.js';

export interface RenderTuiProps extends Omit<AppProps, 'onExit'> {
  /** Defaults to process.stdout / process.stdin / process.stderr. */
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  /** For NO_COLOR; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the TUI until the person quits; resolves with the run's exit status (that of
 * `controller.finish()`). The terminal is always given back: Ink is unmounted whatever happens.
 * An error that ends the app is thrown on after that, for the CLI to print where the person can
 * read it; the run is finished first (shells and background steps stopped).
 */
export async function renderTui(props: RenderTuiProps): Promise<number> {
  const { stdout = process.stdout, stdin = process.stdin, stderr = process.stderr, env = process.env, ...appProps } = props;
  let code: number | undefined;
  let instance: Instance | undefined;
  try {
    // Raw mode before the first frame: a key pressed as soon as it shows is neither echoed by the
    // terminal nor held back until a newline.
    if (stdin.isTTY) stdin.setRawMode(true);
    instance = render(
      <ColorContext.Provider value={colorsAllowed(env)}>
        <App
          {...appProps}
          onExit={(status) => {
            code = status;
            instance?.unmount();
          }}
        />
      </ColorContext.Provider>,
      { stdout, stdin, stderr, exitOnCtrlC: false, patchConsole: false },
    );
    await instance.waitUntilExit();
    // Unmounted without a status (the process is going away): the run did not finish.
    return code ?? EXIT.interrupted;
  } catch (error) {
    instance?.unmount();
    instance = undefined;
    // Whatever broke, the shells and background steps the run started must not outlive it;
    // then the CLI says what it was (bad input, or a bug) and exits with its status.
    await appProps.controller.finish().catch(() => undefined);
    throw error;
  } finally {
    instance?.unmount();
  }
}
