import { execFile } from 'node:child_process';

/** Where Google's APIs are and what identity and place to use, as gcloud sees it. */
export interface CloudSettings {
  project?: string;
  zone?: string;
  /** gcloud's active account; absent when none is logged in. */
  account?: string;
  /** `auth/disable_credentials`: requests go out without credentials (local emulators, tests). */
  credentialsDisabled: boolean;
  /** Base URLs, as gcloud's `api_endpoint_overrides/*` properties spell them. */
  endpoints: { compute: string; serviceusage: string; iam: string };
}

export const DEFAULT_ENDPOINTS: CloudSettings['endpoints'] = {
  compute: 'https://compute.googleapis.com/compute/v1/',
  serviceusage: 'https://serviceusage.googleapis.com/',
  iam: 'https://iam.googleapis.com/',
};

/** gcloud's property values, in its own section/name terms (`core/project`). */
type Properties = Partial<Record<'core/project' | 'core/account' | 'compute/zone' | 'auth/disable_credentials' | Endpoint, string>>;
type Endpoint = `api_endpoint_overrides/${keyof CloudSettings['endpoints']}`;

const PROPERTIES = [
  'core/project',
  'core/account',
  'compute/zone',
  'auth/disable_credentials',
  'api_endpoint_overrides/compute',
  'api_endpoint_overrides/serviceusage',
  'api_endpoint_overrides/iam',
] as const;

/**
 * The properties the environment sets, read as gcloud reads them: `CLOUDSDK_<SECTION>_<NAME>`
 * (`CLOUDSDK_CORE_PROJECT`, `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE`); an empty value is unset.
 */
export function propertiesFromEnvironment(env: NodeJS.ProcessEnv): Properties {
  const properties: Properties = {};
  for (const property of PROPERTIES) {
    const value = env[`CLOUDSDK_${property.replace('/', '_').toUpperCase()}`];
    if (value) properties[property] = value;
  }
  return properties;
}

/** The properties in `gcloud config list --format=json` (which already applies the environment). */
export function propertiesFromGcloudConfig(json: unknown): Properties {
  const properties: Properties = {};
  if (typeof json !== 'object' || json === null) return properties;
  const sections = json as Record<string, unknown>;
  for (const property of PROPERTIES) {
    const [section = '', name = ''] = property.split('/');
    const values = sections[section];
    const value = typeof values === 'object' && values !== null ? (values as Record<string, unknown>)[name] : undefined;
    if (typeof value === 'string' && value !== '') properties[property] = value;
  }
  return properties;
}

/** gcloud's booleans: true, 1, yes, on (any case). */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|yes|on)$/i.test(value.trim());
}

export function settingsFromProperties(properties: Properties): CloudSettings {
  const endpoint = (name: keyof CloudSettings['endpoints']) =>
    withSlash(properties[`api_endpoint_overrides/${name}`] ?? DEFAULT_ENDPOINTS[name]);
  return {
    ...(properties['core/project'] !== undefined && { project: properties['core/project'] }),
    ...(properties['compute/zone'] !== undefined && { zone: properties['compute/zone'] }),
    ...(properties['core/account'] !== undefined && { account: properties['core/account'] }),
    credentialsDisabled: isTrue(properties['auth/disable_credentials']),
    endpoints: { compute: endpoint('compute'), serviceusage: endpoint('serviceusage'), iam: endpoint('iam') },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export interface ReadSettingsOptions {
  /** Runs `gcloud config list --format=json`; resolves with its output, or undefined when gcloud fails or is missing. */
  gcloudConfig?: (env: NodeJS.ProcessEnv) => Promise<string | undefined>;
}

/**
 * The settings gcloud would use. When the environment names the project and disables
 * credentials (an emulator, a test), it is the whole configuration and gcloud is not asked
 * (it takes most of a second to start); otherwise `gcloud config list` gives the rest, with the
 * environment still first, as in gcloud.
 */
export async function readCloudSettings(env: NodeJS.ProcessEnv, options: ReadSettingsOptions = {}): Promise<CloudSettings> {
  const fromEnvironment = propertiesFromEnvironment(env);
  if (fromEnvironment['core/project'] !== undefined && isTrue(fromEnvironment['auth/disable_credentials'])) {
    return settingsFromProperties(fromEnvironment);
  }
  const output = await (options.gcloudConfig ?? gcloudConfigList)(env);
  let fromGcloud: Properties = {};
  try {
    fromGcloud = output === undefined ? {} : propertiesFromGcloudConfig(JSON.parse(output));
  } catch {
    // Not JSON (an old gcloud, a wrapper that prints more): the environment alone counts.
  }
  return settingsFromProperties({ ...fromGcloud, ...fromEnvironment });
}

/** `gcloud config list --format=json`, or undefined when gcloud is missing or fails. */
export function gcloudConfigList(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('gcloud', ['config', 'list', '--format=json'], { env, timeout: 30_000 }, (error, stdout) => {
      resolve(error ? undefined : stdout);
    });
  });
}
