import { describe, expect, it } from 'vitest';
import { slugify } from '../../src/format/slugify.js';

describe('slugify', () => {
  it.each([
    ['Run Server', 'run-server'],
    ['Run Server (again)!', 'run-server-again'],
    ['Start `greeter_server`', 'start-greeter-server'],
    ['Café déjà vu', 'cafe-deja-vu'],
    ['  --Step 2--  ', 'step-2'],
    ['日本語', ''],
  ])('turns %j into %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });
});
