import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/** CI as Ink judges it (`CI` set to anything but 0 or false), so that both agree. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['CI', 'CONTINUOUS_INTEGRATION'].some((key) => key in env && env[key] !== '0' && env[key] !== 'false');
}

/** Interactive only with a terminal on both ends, a capable TERM, and not under CI. */
export function isInteractive(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && env.TERM !== 'dumb' && !isCi(env);
}

/** Asks a question on the terminal; `secret` hides what is typed. */
export async function ask(question: string, secret = false): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const reader = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = reader.question(question);
    muted = secret;
    return await answer;
  } finally {
    if (secret) process.stdout.write('\n');
    reader.close();
  }
}

/** A yes/no question; Enter alone means no. */
export async function confirm(question: string): Promise<boolean> {
  return /^y(es)?$/i.test((await ask(`${question} [y/N] `)).trim());
}
