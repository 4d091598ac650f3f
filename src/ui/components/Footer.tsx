import { Box, Text } from 'ink';
import { showControls } from '../../report/visible-text.js';
import { type Tint, useTint } from '../theme.js';
import { textWidth, wrapSegments } from '../wrap-rows.js';

export type FooterMode = 'steps' | 'confirm' | 'edit' | 'quitting' | 'help';

export interface FooterProps {
  mode: FooterMode;
  /** What just happened, or what the person should do next. */
  notice?: string;
  noticeColor?: Tint;
  width: number;
}

/** Keys each mode shows, the most needed first: as many as fit the row, then `? keys` for all of them. */
export const FOOTER_KEYS: Record<FooterMode, Array<[key: string, action: string]>> = {
  steps: [
    ['Enter', 'run'],
    ['↑/↓', 'step'],
    ['PgUp/PgDn', 'scroll'],
    ['a', 'run all'],
    ['l', 'log'],
    ['s', 'skip'],
    ['r', 'retry'],
    ['e', 'edit var'],
    ['d', 'diff'],
    ['u', 'accept'],
    ['t', 'topology'],
  ],
  confirm: [
    ['Enter', 'run it'],
    ['s', 'skip it'],
    ['Esc', 'stop run all'],
  ],
  edit: [
    ['Enter', 'set'],
    ['Esc', 'cancel'],
  ],
  help: [['? or Esc', 'back']],
  quitting: [],
};

/** Rows the notice takes: it wraps, up to two rows. */
export const NOTICE_ROWS = 2;

export function noticeRows(notice: string | undefined, width: number): number {
  if (notice === undefined || notice === '') return 1;
  return Math.min(NOTICE_ROWS, wrapSegments([{ text: showControls(notice) }], width, { words: true }).length);
}

/** The notice (wrapped, two rows at most), then one row of the keys that work now. */
export function Footer({ mode, notice, noticeColor, width }: FooterProps) {
  const tint = useTint();
  const keys = fitKeys(FOOTER_KEYS[mode], width, mode === 'steps' || mode === 'confirm');
  const rows = notice ? wrapSegments([{ text: showControls(notice) }], width, { words: true }) : [];
  const shown = rows.slice(0, NOTICE_ROWS);
  return (
    <Box flexDirection="column" flexShrink={0}>
      {shown.length === 0 ? <Text> </Text> : null}
      {shown.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows of one notice
        <Text key={index} color={noticeColor ? tint(noticeColor) : undefined} wrap="truncate-end">
          {`${row.map((segment) => segment.text).join('')}${index === shown.length - 1 && rows.length > shown.length ? '…' : ''}`}
        </Text>
      ))}
      <Text wrap="truncate-end">
        {keys.map(([key, action], index) => (
          <Text key={key}>
            <Text bold>{key}</Text>
            <Text dimColor>{` ${action}${index < keys.length - 1 ? ' · ' : ''}`}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}

/** The keys that fit in `width` columns, then `? keys · q quit` when asked for. */
export function fitKeys(keys: Array<[string, string]>, width: number, help: boolean): Array<[string, string]> {
  const tail: Array<[string, string]> = help
    ? [
        ['?', 'keys'],
        ['q', 'quit'],
      ]
    : [];
  const cost = (entries: Array<[string, string]>) => entries.reduce((sum, [key, action]) => sum + textWidth(`${key} ${action} · `), 0) - 3;
  const fitted: Array<[string, string]> = [];
  for (const entry of keys) {
    if (cost([...fitted, entry, ...tail]) > width) break;
    fitted.push(entry);
  }
  return [...fitted, ...tail];
}
