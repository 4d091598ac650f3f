import { Box, type Instance, type Key, render, Text, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { UserError } from '../errors.js';

interface Question {
  text: string;
  secret: boolean;
  answer(value: string | undefined): void;
}

/** Lets the code outside React hand the mounted prompt its next question. */
interface QuestionBox {
  show?: (question: Question) => void;
  pending?: Question;
  /** Keys not yet applied: those typed before the next question was asked are kept for it. */
  queue: Array<{ input: string; key: Key }>;
}

/** One question at a time, in the TUI's style; a secret's characters show as •. */
function Prompter({ box }: { box: QuestionBox }) {
  const [question, showQuestion] = useState<Question | undefined>(box.pending);
  // Keys can arrive faster than React renders (a paste, a quick Enter): the question and the
  // value live in refs, updated per key, and the state only draws them.
  const asked = useRef(box.pending);
  const typed = useRef('');
  const [value, setValue] = useState('');
  const type = useRef((next: string) => {
    typed.current = next;
    setValue(next);
  }).current;
  const drain = useRef(() => {
    for (let question = asked.current; question && box.queue.length > 0; question = asked.current) {
      const { input, key } = box.queue.shift() as { input: string; key: Key };
      if ((key.ctrl && input === 'c') || key.return) {
        asked.current = undefined;
        showQuestion(undefined);
        question.answer(key.return ? typed.current : undefined);
      } else if (key.backspace || key.delete) {
        type(Array.from(typed.current).slice(0, -1).join(''));
      } else if (!key.ctrl && !key.meta && input !== '') {
        type(typed.current + input);
      }
    }
  }).current;
  useEffect(() => {
    box.show = (next) => {
      type('');
      asked.current = next;
      showQuestion(next);
      drain();
    };
    return () => {
      box.show = undefined;
    };
  }, [box, drain, type]);
  useInput((input, key) => {
    // A paste, or keys that came in one read, arrive as one string: its newlines are Enters.
    const parts = key.return ? [input] : input.split(/(\r\n|\r|\n)/);
    for (const part of parts) {
      if (part === '') continue;
      const enter = /^(\r\n|\r|\n)$/.test(part);
      box.queue.push({ input: enter ? '' : part, key: enter ? { ...key, return: true } : key });
    }
    drain();
  });
  if (!question) return null;
  const shown = question.secret ? '•'.repeat(Array.from(value).length) : value;
  return (
    <Box flexDirection="column">
      <Text bold>{`── ${question.text}${question.secret ? ' (secret: not shown, never saved)' : ''}`}</Text>
      <Text>
        {shown}
        <Text inverse> </Text>
      </Text>
      <Text dimColor>Enter sets it</Text>
    </Box>
  );
}

let mounted: { instance: Instance; box: QuestionBox } | undefined;

/**
 * Asks for a variable's value before the TUI's first frame, in the same look. The prompt stays
 * mounted from one question to the next, so keys typed quickly are never lost between them.
 */
export function askVariable(text: string, secret: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const question: Question = {
      text,
      secret,
      answer: (value) => (value === undefined ? reject(new UserError(`no value given for: ${text}`)) : resolve(value)),
    };
    if (mounted?.box.show) {
      mounted.box.show(question);
      return;
    }
    // Raw mode before the first frame: keys typed as soon as the question shows must neither wait
    // for a newline nor be echoed by the terminal (a secret would appear on screen).
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    const box: QuestionBox = { pending: question, queue: [] };
    mounted = { box, instance: render(<Prompter box={box} />, { exitOnCtrlC: false, patchConsole: false }) };
  });
}

/** Takes the prompt off the screen (before the TUI opens, or at the end). */
export function closePrompts(): void {
  if (!mounted) return;
  mounted.instance.unmount();
  mounted.instance.clear();
  mounted = undefined;
  // Raw mode was switched on by hand before the first question: switch it off the same way.
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
}
