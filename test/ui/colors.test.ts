import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterAll, expect, test, vi } from 'vitest';

// Ink's chalk decides its colour level when it is loaded; a test's stdout is no terminal.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});
afterAll(() => {
  delete process.env.FORCE_COLOR;
});

const { StepDetail, stepPage } = await import('../../src/ui/components/StepDetail.js');
const { ColorContext } = await import('../../src/ui/theme.js');
const { plannedStep } = await import('./helpers.js');

const diff = '--- expected\n+++ actual\n@@ -1 +1 @@\n-hello\n+goodbye\n same\n';
const diffPage = () =>
  h(StepDetail, {
    page: stepPage({ step: plannedStep('greet'), index: 0, total: 1, status: 'failed', diff, width: 80 }),
    top: 0,
    height: 20,
  });

test('DiffView colours added lines green, removed red, hunks cyan', () => {
  const { lastFrame, unmount } = render(diffPage());
  const text = lastFrame() ?? '';
  unmount();
  expect(text).toContain('\u001b[32m+goodbye\u001b[39m');
  expect(text).toContain('\u001b[31m-hello\u001b[39m');
  expect(text).toContain('\u001b[36m@@ -1 +1 @@\u001b[39m');
});

test('without colours (NO_COLOR) the diff has no colour codes', () => {
  const { lastFrame, unmount } = render(h(ColorContext.Provider, { value: false }, diffPage()));
  const text = lastFrame() ?? '';
  unmount();
  expect(text).toContain('+goodbye');
  expect(text).not.toContain('\u001b[3');
});

test('StepDetail marks the variables of the command', async () => {
  const step = plannedStep('create', { command: 'gcloud compute instances create vm --zone=$ZONE --dir=${TMPDIR:-/tmp} --cost=$5' });
  const { lastFrame, unmount } = render(
    h(StepDetail, { page: stepPage({ step, index: 0, total: 1, status: 'pending', width: 100 }), top: 0, height: 20 }),
  );
  const text = lastFrame() ?? '';
  unmount();
  expect(text).toContain('\u001b[35m$ZONE');
  expect(text).toContain('\u001b[35m${TMPDIR:-/tmp}');
  expect(text).not.toContain('\u001b[35m$5');
});
