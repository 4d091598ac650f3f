import { describe, expect, it } from 'vitest';
import { definedFunctions, mayChangeState } from '../../src/execute/may-change-state.js';

describe('mayChangeState', () => {
  it.each([
    'X=1',
    'export PATH=$PATH:/opt/bin',
    'cd /tmp',
    'source env.sh',
    '. ./env.sh',
    'f() { echo hi; }',
    'read -r NAME < file',
    'unset X',
    'declare -A m',
    'set -o pipefail',
    'printf -v X %s y',
    'echo a; cd b',
    'eval "$CMD"',
  ])('%s may change the shell', (command) => {
    expect(mayChangeState('command', command)).toBe(true);
  });

  it.each([
    'echo hello',
    'ls -la /tmp',
    'go build ./...',
    'curl -s http://127.0.0.1:8080/',
    'gcloud compute instances list',
    'cat readme.txt',
  ])('%s only starts programs', (command) => {
    expect(mayChangeState('command', command)).toBe(false);
  });

  it('calling a function the tutorial defines may change the shell', () => {
    const functions = definedFunctions(['go() { cd sub; }', 'function build { make; }', 'echo "not() a function"']);
    expect([...functions].sort()).toEqual(['build', 'go']);
    expect(mayChangeState('command', 'go', functions)).toBe(true);
    expect(mayChangeState('command', 'echo go', functions)).toBe(true);
    expect(mayChangeState('command', 'gopher', functions)).toBe(false);
  });

  it('a script step always may (it is dumped anyway)', () => {
    expect(mayChangeState('script', 'echo hello')).toBe(true);
  });
});
