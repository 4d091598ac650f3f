import { Box, Text } from 'ink';
import { showControls } from '../../report/visible-text.js';
import type { TuiVariable } from '../controller.js';
import { useTint } from '../theme.js';
import type { VariableEdit } from '../tui-state.js';

export interface VariablePromptProps {
  variables: readonly TuiVariable[];
  editing: VariableEdit;
}

/** `e`: pick a variable, then type its value; a secret shows as • only. */
export function VariablePrompt({ variables, editing }: VariablePromptProps) {
  const tint = useTint();
  if (editing.phase === 'pick') {
    return (
      <Box flexDirection="column">
        <Text bold>── set a variable in every shell (↑/↓ pick · Enter choose · Esc cancel)</Text>
        {variables.map((variable, index) => (
          <Text key={variable.name} wrap="truncate-end" inverse={index === editing.index}>
            {showControls(`${index === editing.index ? '›' : ' '} ${variable.name} = ${variable.secret ? '(secret)' : variable.value}`)}
          </Text>
        ))}
      </Box>
    );
  }
  const shown = editing.secret ? '•'.repeat(Array.from(editing.value).length) : editing.value;
  return (
    <Box flexDirection="column">
      <Text bold>{`── new value of ${editing.name}${editing.secret ? ' (secret: not shown)' : ''}`}</Text>
      <Text wrap="truncate-start">
        <Text color={tint('cyan')}>{`${editing.name}=`}</Text>
        {shown}
        <Text inverse> </Text>
      </Text>
      <Text dimColor>Enter sets it in every shell · Esc cancels</Text>
    </Box>
  );
}
