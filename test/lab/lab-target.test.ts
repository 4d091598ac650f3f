import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { labMissing } from '../../src/lab/lab-support.js';
import { selectTarget, type TargetProbe } from '../../src/plan/select-target.js';
import { parse } from '../format/helpers.js';

const tutorial = (targets: string) => parse(`---\ntargets:\n${targets}---\n# T\n`);
const BOTH = '  gcp: { hosts: { vm: { gce: vm } } }\n  lab: { hosts: { vm: { netns: vm } } }\n';

function probe(gcloud: boolean, lab: string | undefined, installed = true) {
  const said: string[] = [];
  const value: TargetProbe = {
    gcloudReady: async () => gcloud,
    gcloudInstalled: () => installed,
    labMissing: async () => lab,
    announce: (line) => said.push(line),
  };
  return { value, said };
}

describe('the default target', () => {
  it('is gcp when gcloud has an account, and nothing is announced', async () => {
    const { value, said } = probe(true, undefined);
    expect((await selectTarget(tutorial(BOTH), undefined, value)).name).toBe('gcp');
    expect(said).toEqual([]);
  });

  it('is the lab without a gcloud account, which it says in one line', async () => {
    const { value, said } = probe(false, undefined);
    expect((await selectTarget(tutorial(BOTH), undefined, value)).name).toBe('lab');
    expect(said).toEqual(['No gcloud account: running in the local lab (--target lab)']);
  });

  it('is the lab among targets without gcp', async () => {
    const { value, said } = probe(false, undefined);
    const target = await selectTarget(
      tutorial('  vm: { hosts: { a: { ssh: a@b } } }\n  lab: { hosts: { a: { netns: a } } }\n'),
      undefined,
      value,
    );
    expect(target.name).toBe('lab');
    expect(said).toEqual(['No target chosen: running in the local lab (--target lab)']);
  });

  it('is an error saying what the lab lacks when neither can run', async () => {
    const { value } = probe(false, 'the local lab cannot run here: it needs root');
    const error = await selectTarget(tutorial(BOTH), undefined, value).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).hint).toContain('for lab: the local lab cannot run here: it needs root');
  });

  it('without gcloud installed, says so, and how to get it, never to log in', async () => {
    const lab = probe(false, undefined, false);
    expect((await selectTarget(tutorial(BOTH), undefined, lab.value)).name).toBe('lab');
    expect(lab.said).toEqual(['gcloud is not installed: running in the local lab (--target lab)']);
    const neither = probe(false, 'the local lab cannot run here: it needs root', false);
    const error = (await selectTarget(tutorial(BOTH), undefined, neither.value).catch((caught: unknown) => caught)) as UserError;
    expect(error.hint).toContain('for gcp: gcloud is not installed; get it from https://cloud.google.com/sdk/docs/install');
    expect(error.hint).not.toContain('gcloud auth login');
  });

  it('is what --target says, without a word', async () => {
    const { value, said } = probe(true, undefined);
    expect((await selectTarget(tutorial(BOTH), 'lab', value)).name).toBe('lab');
    expect(said).toEqual([]);
  });
});

describe('what the lab needs', () => {
  it('is all here for root with iproute2 and util-linux', () => {
    expect(process.getuid?.()).toBe(0);
    expect(labMissing(process.env)).toBeUndefined();
  });

  it('leaves the programs to the run, which installs what is missing first: only the kernel can rule the lab out', () => {
    expect(labMissing({ PATH: '/nonexistent' })).toBeUndefined();
  });
});
