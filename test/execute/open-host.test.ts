import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { expandHostSpec } from '../../src/execute/open-host.js';

describe('a host address that names variables', () => {
  const variables = { ROUTER_SSH: 'admin@192.0.2.1', NS: 'demo; rm -rf /' };

  it('takes their values as data', () => {
    expect(expandHostSpec('router', { kind: 'ssh', destination: '$ROUTER_SSH' }, variables)).toEqual({
      kind: 'ssh',
      destination: 'admin@192.0.2.1',
    });
    expect(expandHostSpec('app', { kind: 'kubectl', selector: '-n ${NS} deploy/app' }, variables)).toEqual({
      kind: 'kubectl',
      selector: '-n demo; rm -rf / deploy/app',
    });
    expect(expandHostSpec('vm', { kind: 'gce', instance: 'alts-server' }, variables)).toEqual({ kind: 'gce', instance: 'alts-server' });
  });

  it('stops with the variable to give when one has no value', () => {
    expect(() => expandHostSpec('web', { kind: 'ssh', destination: '$WEB_SSH' }, variables)).toThrow(
      new UserError('host web needs $WEB_SSH, which has no value', 'give it with --var WEB_SSH=…'),
    );
  });
});
