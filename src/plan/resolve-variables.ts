import { UserError } from '../errors.js';
import { reservedNameReason } from '../format/reserved-names.js';
import type { Target, VariableSpec } from '../format/tutorial.js';

export type VariableSource = 'option' | 'environment' | 'session' | 'target' | 'default' | 'prompt';

export interface ResolvedVariable {
  name: string;
  value: string;
  secret: boolean;
  source: VariableSource;
}

export interface VariableInputs {
  /** `--var K=V` values. */
  options: Record<string, string>;
  environment: NodeJS.ProcessEnv;
  /** Values saved in a resumed session (secrets are never saved). */
  session?: Record<string, string>;
  /** Runs a `$(command)` default in the local session; undefined when it fails or prints nothing. */
  runDefault(command: string): Promise<string | undefined>;
  /** Asks the person, when there is a terminal; undefined when there is none. */
  prompt?: (spec: VariableSpec) => Promise<string>;
}

const COMMAND_DEFAULT = /^\$\(([\s\S]*)\)$/;

/**
 * Resolves every declared variable, in SPEC order: `--var`, the environment, the saved session,
 * the target's value, the default (a `$(command)` default runs in the session), a prompt.
 * Without a terminal, all missing variables are reported in one error.
 */
export async function resolveVariables(
  specs: Record<string, VariableSpec>,
  target: Target,
  inputs: VariableInputs,
): Promise<ResolvedVariable[]> {
  const resolved: ResolvedVariable[] = [];
  const missing: VariableSpec[] = [];
  for (const spec of Object.values(specs)) {
    const found = await findValue(spec, target, inputs);
    if (found) resolved.push({ name: spec.name, secret: spec.secret, ...found });
    else missing.push(spec);
  }
  for (const spec of missing) {
    if (!inputs.prompt) break;
    resolved.push({ name: spec.name, secret: spec.secret, value: await inputs.prompt(spec), source: 'prompt' });
  }
  if (!inputs.prompt && missing.length > 0) {
    const list = missing.map((spec) => (spec.prompt ? `${spec.name} (${spec.prompt})` : spec.name)).join(', ');
    const example = missing.map((spec) => `--var ${spec.name}=…`).join(' ');
    throw new UserError(
      `missing variable${missing.length > 1 ? 's' : ''}: ${list}`,
      `give ${missing.length > 1 ? 'them' : 'it'} with ${example}, or in the environment`,
    );
  }
  return resolved;
}

async function findValue(
  spec: VariableSpec,
  target: Target,
  inputs: VariableInputs,
): Promise<{ value: string; source: VariableSource } | undefined> {
  const option = inputs.options[spec.name];
  if (option !== undefined) return { value: option, source: 'option' };
  const environment = inputs.environment[spec.name];
  if (environment !== undefined && environment !== '') return { value: environment, source: 'environment' };
  const session = spec.secret ? undefined : inputs.session?.[spec.name];
  if (session !== undefined) return { value: session, source: 'session' };
  const targetValue = target.variables[spec.name];
  if (targetValue !== undefined) return { value: targetValue, source: 'target' };
  if (spec.default === undefined) return undefined;
  const command = COMMAND_DEFAULT.exec(spec.default.trim());
  if (!command) return { value: spec.default, source: 'default' };
  const value = await inputs.runDefault(command[1] ?? '');
  return value === undefined || value === '' ? undefined : { value, source: 'default' };
}

/** Parses repeated `--var K=V` options. */
export function parseVarOptions(pairs: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(pair);
    if (!match?.[1]) throw new UserError(`--var needs NAME=VALUE, not "${pair}"`);
    const reserved = reservedNameReason(match[1]);
    if (reserved) throw new UserError(`--var ${match[1]}: ${reserved}`);
    values[match[1]] = match[2] ?? '';
  }
  return values;
}
