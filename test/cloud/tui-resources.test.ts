import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterEach, expect, test } from 'vitest';
import { App } from '../../src/ui/App.js';
import { FakeController, KEYS, plannedStep, testPlan, waitFor } from '../ui/helpers.js';

/** The TUI's header says what the run has running in the cloud, from what gcloud printed. */

let instance: ReturnType<typeof render> | undefined;
afterEach(() => instance?.unmount());

const url = 'https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a/instances';

test('the header counts the VMs the steps created and no step deleted', async () => {
  const steps = [plannedStep('create-vms'), plannedStep('open-port'), plannedStep('delete-one')];
  const controller = new FakeController(testPlan(steps));
  controller.outcomes.set('create-vms', { output: `Created [${url}/alts-server].\nCreated [${url}/alts-client].\n` });
  controller.outcomes.set('open-port', {
    output: 'Created [https://compute.googleapis.com/compute/v1/projects/p/global/firewalls/allow-ssh].\n',
  });
  controller.outcomes.set('delete-one', { output: `Deleted [${url}/alts-client].\n` });
  instance = render(h(App, { controller, variables: [], onExit: () => {} }));
  const current = instance;
  const frame = () => current.lastFrame() ?? '';
  expect(frame()).not.toContain('☁');
  const press = async (key: string) => {
    await new Promise((resolve) => setTimeout(resolve, 15));
    current.stdin.write(key);
  };
  await press(KEYS.enter);
  await waitFor(() => expect(frame()).toContain('☁ 2 VMs running ·'));
  await press(KEYS.enter);
  await waitFor(() => expect(frame()).toContain('☁ 2 VMs, 1 firewall rule running ·'));
  await press(KEYS.enter);
  await waitFor(() => expect(frame()).toContain('☁ 1 VM, 1 firewall rule running ·'));
});
