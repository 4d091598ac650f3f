import { describe, expect, it } from 'vitest';
import { resolveReadiness } from '../../src/plan/resolve-readiness.js';
import { substituteVariables } from '../../src/plan/substitute-variables.js';

describe('substituteVariables', () => {
  it.each([
    ['port:$PORT', 'port:8080'],
    ['port:${PORT}', 'port:8080'],
    ['$HOST:${PORT}/x', 'web:8080/x'],
    ['$UNKNOWN and ${ALSO_UNKNOWN}', '$UNKNOWN and ${ALSO_UNKNOWN}'],
    ['$PORTS', '$PORTS'],
  ])('%s → %s', (text, expected) => {
    expect(substituteVariables(text, { PORT: '8080', HOST: 'web' })).toBe(expected);
  });
});

describe('resolveReadiness', () => {
  it('fills a port template with the variable value', () => {
    expect(resolveReadiness({ kind: 'template', text: 'port:$PORT' }, { PORT: '50051' })).toEqual({ kind: 'port', port: 50051 });
  });

  it('fills an http template', () => {
    expect(resolveReadiness({ kind: 'template', text: 'http://127.0.0.1:${PORT}/' }, { PORT: '80' })).toEqual({
      kind: 'http',
      url: 'http://127.0.0.1:80/',
    });
  });

  it('leaves concrete readiness as it is', () => {
    expect(resolveReadiness({ kind: 'port', port: 1 }, {})).toEqual({ kind: 'port', port: 1 });
  });

  it('says which template has no value, or an invalid one', () => {
    expect(() => resolveReadiness({ kind: 'template', text: 'port:$PORT' }, {})).toThrow('ready=port:$PORT names a variable with no value');
    expect(() => resolveReadiness({ kind: 'template', text: 'port:$PORT' }, { PORT: 'abc' })).toThrow(/ready/);
  });
});
