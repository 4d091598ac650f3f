import { Box, Text } from 'ink';
import { marked, type Token, type Tokens } from 'marked';
import type { ReactNode } from 'react';
import { type Tint, useTint } from './theme.js';

type Paint = (color: Tint) => Tint | undefined;

/**
 * A step's prose (raw Markdown) as terminal text: headings bold, emphasis italic, strong bold,
 * inline code coloured, links as their text, lists with bullets. Anything else shows as its
 * Markdown source, which reads well enough in a terminal.
 */
export function MarkdownText({ markdown }: { markdown: string }) {
  const tint = useTint();
  const tokens = marked.lexer(markdown);
  // Blocks keep their height: a container that is too short clips them instead of overlapping them.
  return (
    <Box flexDirection="column" flexShrink={0}>
      {blocks(tokens, tint)}
    </Box>
  );
}

function blocks(tokens: readonly Token[], tint: Paint): ReactNode[] {
  const nodes: ReactNode[] = [];
  let key = 0;
  for (const token of tokens) {
    const node = block(token, tint);
    if (node !== null)
      nodes.push(
        <Box key={`block-${key++}`} flexShrink={0}>
          {node}
        </Box>,
      );
  }
  return nodes;
}

function block(token: Token, tint: Paint): ReactNode {
  switch (token.type) {
    case 'space':
    case 'hr':
      return null;
    case 'heading':
      return <Text bold>{inline((token as Tokens.Heading).tokens, tint)}</Text>;
    case 'paragraph':
      return <Text>{inline((token as Tokens.Paragraph).tokens, tint)}</Text>;
    case 'text': {
      const text = token as Tokens.Text;
      return <Text>{text.tokens ? inline(text.tokens, tint) : text.text}</Text>;
    }
    case 'list':
      return list(token as Tokens.List, tint);
    case 'code':
      return <Text color={tint('yellow')}>{(token as Tokens.Code).text}</Text>;
    default:
      return <Text>{token.raw.replace(/\n+$/, '')}</Text>;
  }
}

function list(token: Tokens.List, tint: Paint): ReactNode {
  const start = typeof token.start === 'number' ? token.start : 1;
  const items: ReactNode[] = [];
  let number = start;
  for (const item of token.items) {
    const bullet = token.ordered ? `${number}.` : '•';
    items.push(
      <Box key={`item-${number}`}>
        <Text>{`${bullet} `}</Text>
        <Box flexDirection="column">{blocks(item.tokens, tint)}</Box>
      </Box>,
    );
    number++;
  }
  return <Box flexDirection="column">{items}</Box>;
}

function inline(tokens: readonly Token[] | undefined, tint: Paint): ReactNode[] {
  const nodes: ReactNode[] = [];
  let key = 0;
  for (const token of tokens ?? []) nodes.push(<InlineToken key={`inline-${key++}`} token={token} tint={tint} />);
  return nodes;
}

function InlineToken({ token, tint }: { token: Token; tint: Paint }): ReactNode {
  switch (token.type) {
    case 'strong':
      return <Text bold>{inline((token as Tokens.Strong).tokens, tint)}</Text>;
    case 'em':
      return <Text italic>{inline((token as Tokens.Em).tokens, tint)}</Text>;
    case 'del':
      return <Text strikethrough>{inline((token as Tokens.Del).tokens, tint)}</Text>;
    case 'codespan':
      return <Text color={tint('yellow')}>{joinLines((token as Tokens.Codespan).text)}</Text>;
    case 'link':
      return <Text underline>{inline((token as Tokens.Link).tokens, tint)}</Text>;
    case 'image':
      return <Text>{(token as Tokens.Image).text}</Text>;
    case 'br':
      return <Text>{'\n'}</Text>;
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? <Text>{inline(text.tokens, tint)}</Text> : <Text>{joinLines(text.text)}</Text>;
    }
    case 'escape':
      return <Text>{(token as Tokens.Escape).text}</Text>;
    default:
      return <Text>{token.raw}</Text>;
  }
}

/**
 * A line break inside a paragraph is soft (CommonMark): the text flows on, and the terminal
 * wraps it at its own width instead of at the source's.
 */
function joinLines(text: string): string {
  return text.replace(/\n/g, ' ');
}
