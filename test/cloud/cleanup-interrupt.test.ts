import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { SessionSummary } from '../../src/cli/status-command.js';
import { runCli, startCli } from '../cli/helpers.js';
import { startFakeCompute } from '../support/fake-compute.js';
import { lacks } from '../support/machine-needs.js';
import { removeScratch, scratchDir } from './helpers.js';

/** Ctrl-C during `cleanup`'s teardown steps stops the whole cleanup: no DELETE follows it. */

afterAll(removeScratch);

const TUTORIAL = `---
title: A teardown that takes its time
targets:
  gcp: { hosts: {} }
variables:
  ZONE: { default: us-central1-a }
---
\`\`\`sh { name=work }
false
\`\`\`

\`\`\`sh { name=slow-teardown teardown=true }
if [ -n "\${TEARDOWN_MARK:-}" ]; then touch "$TEARDOWN_MARK"; sleep 30; fi
\`\`\`
`;

// The run's preflight asks the real gcloud for the account and project.
it.skipIf(lacks('gcloud', import.meta.url))(
  'an interrupted teardown exits 130 and deletes nothing in the cloud',
  async () => {
    const fake = await startFakeCompute();
    try {
      const dir = scratchDir();
      mkdirSync(join(dir, 'tutorials'));
      writeFileSync(join(dir, 'tutorials', 'slow-teardown.md'), TUTORIAL);
      const env = { ALTS_TUTOR_HOME: join(dir, '.state'), ...fake.env(scratchDir()) };
      // A failed run leaves its teardown to cleanup.
      const run = await runCli(['run', 'tutorials/slow-teardown.md', '--yes'], { cwd: dir, env });
      expect(run.code).toBe(1);
      const [summary] = JSON.parse((await runCli(['status', '--json'], { cwd: dir, env })).stdout) as SessionSummary[];
      const session = summary?.id ?? '';
      fake.addInstance({ name: 'left-behind', zone: 'us-central1-a', labels: { 'alts-tutor-session': session } });

      const mark = join(dir, 'teardown-started');
      const { child, done } = startCli(['cleanup', session, '--yes', '--reporter', 'plain'], {
        cwd: dir,
        env: { ...env, TEARDOWN_MARK: mark },
      });
      const deadline = Date.now() + 20_000;
      while (!existsSync(mark) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(existsSync(mark)).toBe(true);
      child.kill('SIGINT');
      const result = await done;
      expect(result.code).toBe(130);
      expect(fake.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
      expect([...fake.instances.values()].map((instance) => instance.name)).toEqual(['left-behind']);
    } finally {
      await fake.close();
    }
  },
  60_000,
);
