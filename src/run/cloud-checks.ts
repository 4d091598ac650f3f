import type { GcePlace } from '../execute/gce-transport.js';
import type { Plan } from '../plan/plan-steps.js';

/**
 * Preflight of a Google Cloud run (gcloud, project, APIs, quota, zone): resolves with its
 * one-line summary, or throws a PreflightError listing each problem with its fix.
 * `@google-cloud/compute` itself is loaded only when the preflight opens Compute Engine.
 */
export async function preflightCloud(plan: Plan, values: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): Promise<string> {
  const { preflightGcp, plannedVms, PreflightError, preflightSummary } = await import('../cloud/preflight.js');
  const report = await preflightGcp({
    env,
    ...(values.PROJECT_ID !== undefined && { project: values.PROJECT_ID }),
    ...(values.ZONE !== undefined && { zone: values.ZONE }),
    ...plannedVms(plan, values),
  });
  if (!report.ok) throw new PreflightError(report);
  return preflightSummary(report);
}

/** Waits for a VM before its first `gcloud compute ssh`, telling `notice` how it goes. */
export function vmWaiter(
  env: NodeJS.ProcessEnv,
  notice: (text: string) => void,
  signal: AbortSignal,
): (instance: string, place: GcePlace) => Promise<void> {
  return async (instance, place) => {
    const { waitForGceInstance, describeProgress } = await import('../cloud/instance-readiness.js');
    await waitForGceInstance({
      env,
      instance,
      zone: place.zone,
      ...(place.project !== undefined && { project: place.project }),
      onProgress: (progress) => notice(describeProgress(progress)),
      signal,
    });
  };
}

/** The target runs on Google Cloud: it is named gcp, or one of its hosts is a GCE VM. */
export function runsOnGoogleCloud(plan: Plan): boolean {
  return plan.target.name === 'gcp' || Object.values(plan.target.hosts).some((host) => host.kind === 'gce');
}
