import type { RunEvent, RunListener } from '../run/events.js';

/** One JSON object per line for each event, for tools to read. */
export function jsonReporter(write: (text: string) => void): RunListener {
  return (event: RunEvent) => {
    write(`${JSON.stringify(toJson(event))}\n`);
  };
}

function toJson(event: RunEvent): unknown {
  switch (event.type) {
    case 'run-start':
      return {
        type: event.type,
        sessionId: event.sessionId,
        tutorial: event.plan.tutorial.id,
        title: event.plan.tutorial.title,
        target: event.plan.target.name,
        steps: [...event.plan.steps, ...event.plan.teardown].map((step) => ({
          name: step.name,
          host: step.host,
          line: step.line,
          teardown: step.teardown,
        })),
      };
    case 'step-start':
    case 'step-ready':
      return { type: event.type, step: event.step.name, ...('attempt' in event && { attempt: event.attempt }) };
    case 'output':
      return { type: event.type, step: event.step.name, text: event.text };
    case 'step-retry':
    case 'step-end':
      return { type: event.type, step: event.step.name, result: event.result };
    case 'run-end':
      return { type: event.type, result: event.result };
    case 'notice':
      return { type: event.type, text: event.text };
  }
}
