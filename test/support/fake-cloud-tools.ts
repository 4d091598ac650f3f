import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Fake `gcloud` and `kubectl` on PATH (scripts in test/support/fake-bin): each records its
 * arguments, one file per call, then does what the real tool would, minus the cloud.
 */
export interface FakeCloudTools {
  /** Environment for the runner: PATH with the fakes first, where they record, and `extra`. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** The argument lists of every call to `tool`, in order. */
  calls(tool: 'gcloud' | 'kubectl'): string[][];
  clearCalls(): void;
  cleanup(): void;
}

const FAKE_BIN = fileURLToPath(new URL('./fake-bin', import.meta.url));

/** `sshConfig`: the ssh_config the fake gcloud connects with (the test's sshd). */
export function installFakeCloudTools(sshConfig?: string): FakeCloudTools {
  // One directory for what the fakes leave: the calls they record, and kubectl's input relays
  // (a kubectl killed at once cannot remove its own).
  const root = mkdtempSync(join(tmpdir(), 'atssh-tools-'));
  const logs = join(root, 'calls');
  const relays = join(root, 'relays');
  mkdirSync(logs);
  mkdirSync(relays);
  return {
    env: (extra = {}) => ({
      ...process.env,
      PATH: `${FAKE_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      ATSSH_LOG_DIR: logs,
      ATSSH_RELAY_DIR: relays,
      ...(sshConfig && { ATSSH_SSH_CONFIG: sshConfig }),
      ...extra,
    }),
    calls: (tool) =>
      readdirSync(logs)
        .filter((name) => name.includes(`-${tool}-`))
        .sort()
        .map((name) => readFileSync(join(logs, name), 'utf8').split('\0').slice(0, -1)),
    clearCalls: () => {
      for (const name of readdirSync(logs)) rmSync(join(logs, name));
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
