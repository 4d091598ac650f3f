import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../cli/helpers.js';
import { reportProject } from '../report/report-project.js';

const WORKFLOW = resolve(import.meta.dirname, '..', '..', '.github', 'workflows', 'tutorials.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  strategy?: { matrix: { shard: number[] } };
  steps: Step[];
}

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as { on: unknown; jobs: Record<string, Job> };
const shards = workflow.jobs.test?.strategy?.matrix.shard ?? [];

/** The alts-tutor command lines of a job, as arguments, with the matrix's expressions filled in. */
function altsTutorCalls(job: Job, shard: number): string[][] {
  return job.steps.flatMap((step) => {
    const at = step.run?.indexOf('bin/alts-tutor.js') ?? -1;
    if (!step.run || at === -1) return [];
    const line = step.run
      .slice(at + 'bin/alts-tutor.js'.length)
      .replaceAll('${{ matrix.shard }}', String(shard))
      .replaceAll('${{ strategy.job-total }}', String(shards.length));
    expect(line, `${step.name}: every expression filled in`).not.toContain('${{');
    return [line.trim().split(/\s+/)];
  });
}

const projects: Array<{ remove(): void }> = [];
afterAll(() => {
  for (const project of projects.splice(0)) project.remove();
});

describe('.github/workflows/tutorials.yml', () => {
  it('is a workflow of a sharded test job and a merge job that needs it', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['test', 'merge-reports']);
    expect(shards).toEqual([1, 2, 3]);
    expect(workflow.jobs['merge-reports']?.needs).toBe('test');
    const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.uses ? [step.uses] : [])));
    expect(new Set(uses)).toEqual(
      new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4', 'actions/download-artifact@v4']),
    );
    // What the shards upload is what the merge job downloads.
    const uploaded = workflow.jobs.test?.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))?.with?.name as string;
    const pattern = workflow.jobs['merge-reports']?.steps.find((step) => step.uses?.startsWith('actions/download-artifact'))?.with
      ?.pattern as string;
    expect(uploaded.replace('${{ matrix.shard }}', '2')).toMatch(new RegExp(`^${pattern.replace('*', '.*')}$`));
  });

  it('calls only subcommands and options that alts-tutor has', async () => {
    const calls = [...altsTutorCalls(workflow.jobs.test as Job, 1), ...altsTutorCalls(workflow.jobs['merge-reports'] as Job, 1)];
    expect(calls.map((args) => args[0])).toEqual(['doctor', 'test', 'merge-reports']);
    for (const [command = '', ...args] of calls) {
      const help = await runCli([command, '--help'], { cwd: process.cwd() });
      expect(help.code, `alts-tutor ${command} --help`).toBe(0);
      for (const option of args.filter((arg) => arg.startsWith('-'))) {
        expect(help.stdout, `alts-tutor ${command} has ${option}`).toMatch(new RegExp(`(^|[ ,])${option}( |,|$)`, 'm'));
      }
    }
  });

  it('its test and merge commands, run on a local project, write the reports the next step uploads', async () => {
    const project = await reportProject();
    projects.push(project);
    const summary = join(project.dir, 'summary.md');
    const env = { ...project.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, CI: 'true' };
    for (const shard of shards) {
      const [, ...args] = altsTutorCalls(workflow.jobs.test as Job, shard)[1] ?? [];
      // The lab target needs root and the lab's programs; the same command on local tutorials.
      const local = args.map((arg) => (arg === 'lab' ? 'local' : arg));
      const result = await runCli(['test', ...local], { cwd: project.dir, env });
      expect(result.code, result.stderr).not.toBe(2);
      expect(existsSync(join(project.dir, 'reports', `shard-${shard}.json`))).toBe(true);
      expect(existsSync(join(project.dir, 'reports', `shard-${shard}.xml`))).toBe(true);
    }
    expect(readFileSync(summary, 'utf8').match(/^## alts-tutor: /gm)).toHaveLength(shards.length);
    const merge = altsTutorCalls(workflow.jobs['merge-reports'] as Job, 0)[0] ?? [];
    // The shell expands the glob.
    const expanded = merge.flatMap((arg) =>
      arg === 'reports/shard-*.json' ? shards.map((shard) => `reports/shard-${shard}.json`) : [arg],
    );
    const merged = await runCli(expanded, { cwd: project.dir, env });
    expect(merged.code, merged.stderr).toBe(0);
    for (const file of ['index.html', 'junit.xml', 'report.json']) expect(existsSync(join(project.dir, 'merged', file))).toBe(true);
  });
});
