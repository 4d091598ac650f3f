// The lab's ALTS handshaker service: `node dist/lab/handshaker-main.js --listen 169.254.169.254:8080
// --accounts accounts.json`, run on the lab's metadata host. See docs/handshaker.md.
import { parseArgs } from 'node:util';
import { logVerbosity, setLogVerbosity } from '@grpc/grpc-js';
import { EXIT, UserError } from '../errors.js';
import { DEFAULT_LIMITS, startHandshakerServer } from './handshaker/handshaker-server.js';
import { readServiceAccounts } from './handshaker/service-accounts.js';

const USAGE =
  'usage: handshaker-main --listen <ip:port> --accounts <file.json> [--stale-after <seconds>] [--idle-timeout <seconds>] [--max-connections <n>]';

interface HandshakerArgs {
  listen: string;
  accountsFile: string;
  staleAfterMs: number;
  idleMs: number;
  maxConnections: number;
}

function parseHandshakerArgs(argv: string[]): HandshakerArgs | 'help' {
  let values: {
    listen?: string;
    accounts?: string;
    'stale-after'?: string;
    'idle-timeout'?: string;
    'max-connections'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        listen: { type: 'string' },
        accounts: { type: 'string' },
        'stale-after': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'max-connections': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UserError((error as Error).message, USAGE);
  }
  if (values.help) return 'help';
  if (!values.listen || !values.accounts) throw new UserError('--listen and --accounts are required', USAGE);
  const port = /:(\d{1,5})$/.exec(values.listen)?.[1];
  if (port === undefined || Number(port) > 65535 || values.listen.length === port.length + 1) {
    throw new UserError(`--listen ${values.listen}: expected <ip>:<port>, e.g. 169.254.169.254:8080`, USAGE);
  }
  const staleAfter = positiveNumber('--stale-after', values['stale-after'], 30);
  const idle = positiveNumber('--idle-timeout', values['idle-timeout'], DEFAULT_LIMITS.idleMs / 1000);
  const maxConnections = positiveNumber('--max-connections', values['max-connections'], DEFAULT_LIMITS.maxConnections);
  if (!Number.isInteger(maxConnections)) throw new UserError(`--max-connections ${maxConnections}: expected a whole number`, USAGE);
  return {
    listen: values.listen,
    accountsFile: values.accounts,
    staleAfterMs: staleAfter * 1000,
    idleMs: idle * 1000,
    maxConnections,
  };
}

function positiveNumber(option: string, text: string | undefined, fallback: number): number {
  const value = Number(text ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`${option} ${text}: expected a positive number`, USAGE);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const args = parseHandshakerArgs(argv);
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const accounts = readServiceAccounts(args.accountsFile);
  // grpc-js would print its own copy of the errors this program reports (GRPC_VERBOSITY still wins).
  if (!process.env.GRPC_VERBOSITY) setLogVerbosity(logVerbosity.NONE);
  const log = (line: string) => console.log(line);
  log('ALTS handshaker emulator (alts-tutor lab): a teaching emulator with NO security. It knows hosts by source address');
  log('and hands every connection its keys in the clear; it shows how ALTS works and protects nothing.');
  for (const [address, account] of accounts) log(`  ${address} runs as ${account}`);
  let server: Awaited<ReturnType<typeof startHandshakerServer>>;
  try {
    server = await startHandshakerServer(args.listen, {
      accounts,
      staleAfterMs: args.staleAfterMs,
      log,
      limits: { idleMs: args.idleMs, maxConnections: args.maxConnections },
    });
  } catch (error) {
    throw new UserError(`cannot listen on ${args.listen}: ${(error as Error).message}`);
  }
  // With port 0 the system picks one: tell the one bound.
  log(`idle connections are closed after ${args.idleMs / 1000}s; at most ${args.maxConnections} at once`);
  log(`listening on ${args.listen.replace(/:\d+$/, `:${server.port}`)}`);
  const stop = (signal: string) => {
    server.stop();
    log(`stopped (${signal})`);
    process.exit(EXIT.ok);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UserError) {
    console.error(`handshaker: ${error.message}`);
    if (error.hint) console.error(error.hint);
    process.exit(EXIT.usage);
  }
  console.error(error);
  process.exit(EXIT.failed);
});
