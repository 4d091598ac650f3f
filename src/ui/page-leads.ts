import type { Step } from '../format/tutorial.js';

export interface PageLeads {
  /** Step name → the Markdown its page shows before it. */
  leads: Map<string, string>;
  /** What the page has after the last step shown: steps this run leaves out. */
  tail: string;
}

/**
 * The prose each shown step's page starts with, so that none of the document is lost when the
 * run leaves steps out (another target's, or those a resumed session passed): a left-out
 * step's own prose goes to the next step shown, with its command as a code block that says it
 * does not run here. `all` is the tutorial's steps in document order.
 */
export function pageLeads(all: readonly Step[], shown: ReadonlyArray<{ name: string }>): PageLeads {
  const names = new Set(shown.map((step) => step.name));
  const leads = new Map<string, string>();
  let carried: string[] = [];
  for (const step of all) {
    const own = step.lead ?? step.prose;
    if (names.has(step.name)) {
      leads.set(step.name, [...carried, own].filter((text) => text !== '').join('\n\n'));
      carried = [];
    } else {
      carried.push(own, leftOut(step));
    }
  }
  return { leads, tail: carried.filter((text) => text !== '').join('\n\n') };
}

function leftOut(step: Step): string {
  const where = step.targets ? `runs on ${step.targets.join(', ')} only` : 'not in this run';
  // A fence longer than any run of backticks in the command, so the command cannot end it.
  const longest = Math.max(2, ...(step.command.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `*${step.name} (${where}):*\n\n${fence}\n${step.command.replace(/\n+$/, '')}\n${fence}`;
}
