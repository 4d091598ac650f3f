import { describe, expect, it } from 'vitest';
import { TutorialError } from '../../src/errors.js';
import { topologyOf } from '../lab/helpers.js';

// What the front matter's lab keys must satisfy for the lab to start (more in test/format/front-matter.test.ts).

function problemOf(yaml: string): { line: number; problem: string } {
  try {
    topologyOf(yaml);
  } catch (error) {
    if (error instanceof TutorialError) return { line: error.line, problem: error.problem };
    throw error;
  }
  throw new Error('no error');
}

describe('the lab keys of a target', () => {
  it('refuse a service account with white space at its line, which the handshaker emulator would refuse at run time', () => {
    const yaml = [
      'targets:',
      '  lab:',
      '    hosts: { a: { netns: a } }',
      '    metadata:',
      '      service_accounts:',
      '        a: "a@p.iam.gserviceaccount.com b@p"',
      '',
    ].join('\n');
    expect(problemOf(yaml)).toEqual({
      line: 7,
      problem:
        'front matter: targets.lab.metadata.service_accounts.a: the service account "a@p.iam.gserviceaccount.com b@p" contains white space',
    });
  });

  it('refuse more hosts than the default network holds, saying what to do', () => {
    const hosts = Array.from({ length: 246 }, (_, index) => `h${index}: { netns: h${index} }`).join(', ');
    expect(problemOf(`targets:\n  lab:\n    hosts: { ${hosts} }\n`).problem).toBe(
      'front matter: targets.lab.hosts: the default network 192.0.2.0/24 has room for 245 hosts, not 246: declare networks',
    );
    expect(
      topologyOf(`targets:\n  lab:\n    hosts: { ${hosts.replace(/, h245: \{ netns: h245 \}$/, '')} }\n`).networks[0]?.members.at(-1),
    ).toEqual({
      host: 'h244',
      address: '192.0.2.254/24',
    });
  });
});
