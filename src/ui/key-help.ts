import { type Row, wrapSegments } from './wrap-rows.js';

/** Every key and what it does; `?` shows them in place of the page. */
export const KEY_HELP: Array<[key: string, action: string]> = [
  ['Enter', 'run the selected step (it stays selected, its output in sight)'],
  ['a', 'run the rest, following the running step; a again stops after it'],
  ['↑/↓', 'select a step (after Tab: scroll the page)'],
  ['PgUp/PgDn', 'scroll the page by a screen; so does the mouse wheel'],
  ['Home/End', 'top of the page / follow the end of the output'],
  ['Tab', 'switch ↑/↓ between the steps and the page'],
  ['l', "open the step's full log in $PAGER (less -R)"],
  ['s', 'skip the step'],
  ['r', 'retry a failed step'],
  ['e', 'edit a variable (secret input masked)'],
  ['d', 'show or hide the diff of a mismatch'],
  ['u', 'accept the actual output as the snapshot'],
  ['t', 'topology of the lab'],
  ['m', 'mouse wheel on or off (off: the terminal selects text)'],
  ['Esc', 'stop run all, hide the diff, or close this'],
  ['Ctrl-C', 'stop the running step; quit when none runs'],
  ['q', 'quit (the session is saved)'],
];

/** The keys as rows of `width` columns, each action beside its key, wrapped under itself. */
export function keyHelpRows(width: number): Row[] {
  const keyWidth = Math.max(...KEY_HELP.map(([key]) => key.length)) + 1;
  const rows: Row[] = [[{ text: '── keys (? or Esc closes)', style: { bold: true } }]];
  for (const [key, action] of KEY_HELP) {
    rows.push(
      ...wrapSegments([{ text: action }], width, {
        words: true,
        first: { text: key.padEnd(keyWidth), style: { bold: true } },
        rest: { text: ' '.repeat(keyWidth) },
      }),
    );
  }
  return rows;
}
