import { type HostContext, type LabHosts, openHost } from '../execute/open-host.js';
import type { ShellSession } from '../execute/shell-session.js';
import type { HostSpec } from '../format/tutorial.js';

export interface PoolVariable {
  name: string;
  value: string;
  secret: boolean;
}

/**
 * The shells of a run, one per host, opened when a step first needs them. Every shell gets the
 * run's variables as environment variables (passed as data, never as shell text).
 */
export class HostPool {
  private readonly sessions = new Map<string, Promise<ShellSession>>();
  /** The shells that have started, for what must happen synchronously (a second Ctrl-C). */
  private readonly started = new Set<ShellSession>();
  private variables: PoolVariable[] = [];

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly lab?: LabHosts,
    private readonly waitForVm?: HostContext['waitForVm'],
  ) {}

  get(name: string, spec: HostSpec): Promise<ShellSession> {
    let session = this.sessions.get(name);
    if (!session) {
      session = openHost(name, spec, {
        cwd: this.cwd,
        env: this.env,
        variables: Object.fromEntries(
          this.variables.filter((variable) => !variable.secret).map((variable) => [variable.name, variable.value]),
        ),
        ...(this.lab && { lab: this.lab }),
        ...(this.waitForVm && { waitForVm: this.waitForVm }),
      }).then(async (shell) => {
        this.started.add(shell);
        for (const variable of this.variables) await shell.setVariable(variable.name, variable.value, variable.secret);
        return shell;
      });
      this.sessions.set(name, session);
    }
    return session;
  }

  /** Sets variables in the open shells and in every shell opened later. */
  async setVariables(variables: PoolVariable[]): Promise<void> {
    this.variables.push(...variables);
    for (const session of this.sessions.values()) {
      const shell = await session;
      for (const variable of variables) await shell.setVariable(variable.name, variable.value, variable.secret);
    }
  }

  /** Interrupts whatever step is running in any shell. */
  async interrupt(): Promise<void> {
    for (const session of this.sessions.values()) (await session).interrupt();
  }

  /** Kills every shell and everything its steps started, now: the runner is about to exit. */
  killNow(): void {
    for (const shell of this.started) shell.killNow();
  }

  /** Ends every shell and whatever its steps left running. */
  async close(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      sessions.map(async (session) => {
        const shell = await session.catch(() => undefined);
        await shell?.close();
      }),
    );
  }
}
