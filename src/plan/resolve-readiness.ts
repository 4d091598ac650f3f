import { parseReadiness } from '../format/attributes.js';
import type { ConcreteReadiness, Readiness } from '../format/tutorial.js';
import { substituteVariables } from './substitute-variables.js';

/** A step's readiness with its variables filled in; throws with a message when it is invalid. */
export function resolveReadiness(
  readiness: Readiness | undefined,
  values: Readonly<Record<string, string>>,
): ConcreteReadiness | undefined {
  if (readiness?.kind !== 'template') return readiness;
  const text = substituteVariables(readiness.text, values);
  if (/\$\{?[A-Za-z_]/.test(text)) throw new Error(`ready=${readiness.text} names a variable with no value`);
  const resolved = parseReadiness(text);
  if (resolved.kind !== 'port' && resolved.kind !== 'http')
    throw new Error(`ready=${readiness.text} is not a port or URL once filled in: ${text}`);
  return resolved;
}
