import { describe, expect, it } from 'vitest';
import { planSteps } from '../../src/plan/plan-steps.js';
import { FENCE, md, parse } from '../format/helpers.js';

const tutorial = parse(
  md(
    '---',
    'targets:',
    '  vm: { hosts: { web: { ssh: "admin@192.0.2.1" } } }',
    '  lab: { hosts: { web: { netns: web } } }',
    '---',
    `${FENCE}sh { name=here cwd=site }`,
    'ls',
    FENCE,
    `${FENCE}sh { name=there host=web cwd=site }`,
    'ls',
    FENCE,
  ),
);

function directories(target: 'vm' | 'lab'): Record<string, string | undefined> {
  const plan = planSteps(tutorial, tutorial.targets[target] ?? { name: target, hosts: {}, variables: {} }, '/project', '/somewhere');
  return Object.fromEntries(plan.steps.map((step) => [step.name, step.cwdPath]));
}

describe('a step directory', () => {
  it('is under the directory a run starts in for this machine and lab hosts, which share its files', () => {
    expect(directories('lab')).toEqual({ here: '/somewhere/site', there: '/somewhere/site' });
  });

  it('stays as written for a remote host, relative to its login directory', () => {
    expect(directories('vm')).toEqual({ here: '/somewhere/site', there: 'site' });
  });
});
