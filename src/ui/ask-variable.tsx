import { Box, type Instance, render, Text, useInput } from 'ink';
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
}

/** One question at a time, in the TUI's style; a secret's characters show as •. */
function Prompter({ box }: { box: QuestionBox }) {
  const [question, showQuestion] = useState<Question | undefined>(box.pending);
  const asked = useRef(box.pending);
  const setQuestion = (next: Question | undefined) => {
    asked.current = next;
    showQuestion(next);
  };
  // Keys can arrive faster than React renders (a paste, a quick Enter): the value lives in a ref,
  // updated per key, and the state only draws it.
  const typed = useRef('');
  const [value, setValue] = useState('');
  const type = (next: string) => {
    typed.current = next;
    setValue(next);
  };
  useEffect(() => {
    box.show = (next) => {
      typed.current = '';
      setValue('');
      asked.current = next;
      showQuestion(next);
    };
    return () => {
      box.show = undefined;
    };
  }, [box]);
  useInput((input, key) => {
    const question = asked.current;
    if (!question) return;
    if (key.ctrl && input === 'c') {
      setQuestion(undefined);
      question.answer(undefined);
    } else if (key.return) {
      setQuestion(undefined);
      question.answer(typed.current);
    } else if (key.backspace || key.delete) {
      type(Array.from(typed.current).slice(0, -1).join(''));
    } else if (!key.ctrl && !key.meta && input !== '') {
      type(typed.current + input);
    }
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
    const box: QuestionBox = { pending: question };
    mounted = { box, instance: render(<Prompter box={box} />, { exitOnCtrlC: false, patchConsole: false }) };
  });
}

/** Takes the prompt off the screen (before the TUI opens, or at the end). */
export function closePrompts(): void {
  mounted?.instance.unmount();
  mounted?.instance.clear();
  mounted = undefined;
}
