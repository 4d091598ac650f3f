import type { Tutorial } from '../format/tutorial.js';
import { labNeeds, type Need, needOf, TEST_SUITE_NEEDS } from './need-catalog.js';
import { runNeeds } from './run-needs.js';

/**
 * The README's requirements table, made from the one list: what each tutorial's target needs,
 * what an ordinary user's lab needs besides, and what `npm test` needs, each with its package.
 * test/needs/requirements-doc.test.ts holds the README to it.
 */
export function requirementsMarkdown(tutorials: Tutorial[], stepsDir: (id: string) => string): string {
  const rows: Array<[string, Need[]]> = [];
  for (const tutorial of tutorials) {
    for (const target of Object.values(tutorial.targets)) {
      const needs = runNeeds(tutorial, target, { root: true, workDir: stepsDir(tutorial.id) }).map((entry) => entry.need);
      rows.push([`\`run ${tutorial.id} --target ${target.name}\``, needs]);
    }
  }
  const rootLab = new Set(labNeeds(true));
  rows.push([
    'the lab as an ordinary user, besides',
    labNeeds(false)
      .filter((id) => !rootLab.has(id))
      .map(needOf),
  ]);
  rows.push(['`npm test`', TEST_SUITE_NEEDS.map(({ id }) => needOf(id))]);
  const lines = ['| to | it needs (Debian/Ubuntu package) |', '|---|---|'];
  for (const [what, needs] of rows) lines.push(`| ${what} | ${needs.length > 0 ? needs.map(describe).join(', ') : 'nothing more'} |`);
  return `${lines.join('\n')}\n`;
}

function describe(need: Need): string {
  if (need.package) return `${need.id} (\`${need.package}\`)`;
  if (need.check.kind === 'kernel') return `${need.about} (kernel)`;
  return `${need.id} (no package: ${need.howToGet?.split(' ')[0]})`;
}
