import { execFile } from 'node:child_process';
import { UserError } from '../errors.js';
import type { CloudSettings } from './cloud-settings.js';

/** What goes with every request to a Google API. */
export interface CloudCredentials {
  /** Headers to add (`authorization`); none when credentials are disabled. */
  headers(): Promise<Record<string, string>>;
}

/** gcloud's credentials, not Application Default Credentials: a person who ran `gcloud auth login` has only those. */
export function credentialsFor(settings: CloudSettings, env: NodeJS.ProcessEnv): CloudCredentials {
  if (settings.credentialsDisabled) return { headers: async () => ({}) };
  let token: Promise<string> | undefined;
  return {
    headers: async () => {
      token ??= gcloudAccessToken(env);
      return { authorization: `Bearer ${await token}` };
    },
  };
}

/** `gcloud auth print-access-token`; the token lives an hour, longer than any cleanup or preflight. */
export function gcloudAccessToken(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('gcloud', ['auth', 'print-access-token', '--quiet'], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const token = stdout.trim();
      if (!error && token !== '') {
        resolve(token);
        return;
      }
      const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      const said = stderr
        .split('\n')
        .map((line) => line.replace(/^ERROR: \([^)]*\) /, '').trim())
        .find(Boolean);
      reject(
        new UserError(
          missing
            ? 'gcloud is not installed, and alts-tutor uses its credentials'
            : `gcloud has no usable credentials${said ? `: ${said}` : ''}`,
          missing ? 'install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install' : 'run `gcloud auth login`',
        ),
      );
    });
  });
}
