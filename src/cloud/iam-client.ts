import type { CloudCredentials } from './cloud-credentials.js';
import type { CloudSettings } from './cloud-settings.js';
import { googleJson } from './google-http.js';

export interface ServiceAccount {
  email: string;
  description: string;
}

/** The service accounts of one project (IAM v1 over REST: no client library is needed for two calls). */
export interface IamApi {
  listServiceAccounts(): Promise<ServiceAccount[]>;
  deleteServiceAccount(email: string): Promise<void>;
}

export function openIam(settings: CloudSettings & { project: string }, credentials: CloudCredentials): IamApi {
  const base = `${settings.endpoints.iam}v1/projects/`;
  return {
    async listServiceAccounts() {
      const accounts: ServiceAccount[] = [];
      let pageToken: string | undefined;
      do {
        const query = new URLSearchParams({ pageSize: '100', ...(pageToken !== undefined && { pageToken }) });
        const page = await googleJson<{ accounts?: Array<{ email?: string; description?: string }>; nextPageToken?: string }>(
          'IAM',
          `${base}${encodeURIComponent(settings.project)}/serviceAccounts?${query}`,
          {},
          credentials,
        );
        for (const account of page.accounts ?? []) accounts.push({ email: account.email ?? '', description: account.description ?? '' });
        pageToken = page.nextPageToken || undefined;
      } while (pageToken !== undefined);
      return accounts;
    },
    async deleteServiceAccount(email) {
      // `projects/-`: the project is implied by the address, as gcloud does it.
      await googleJson(
        'IAM',
        `${base}-/serviceAccounts/${encodeURIComponent(email).replace('%40', '@')}`,
        { method: 'DELETE' },
        credentials,
      );
    },
  };
}
