import { useEffect, useState } from 'react';
import { applyResourceChange, type LedgerEntry, openEntries, resourceChanges } from '../../cloud/ledger.js';
import type { StepController } from '../controller.js';

/**
 * The cloud resources this run's steps created and no step has deleted since, from what gcloud
 * printed (the same reading as the session's ledger): what is running and costing money now.
 */
export function useCloudResources(controller: Pick<StepController, 'subscribe'>): LedgerEntry[] {
  const [ledger, setLedger] = useState<LedgerEntry[]>([]);
  useEffect(
    () =>
      controller.subscribe((event) => {
        if (event.type !== 'step-end') return;
        const changes = resourceChanges(event.result.output);
        if (changes.length === 0) return;
        const at = new Date().toISOString();
        setLedger((current) => changes.reduce((next, change) => applyResourceChange(next, change, event.step.name, at), current));
      }),
    [controller],
  );
  return openEntries(ledger);
}
