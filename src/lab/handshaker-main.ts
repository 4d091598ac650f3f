// The lab's ALTS handshaker service: `node dist/lab/handshaker-main.js --listen 169.254.169.254:8080
// --accounts accounts.json`, run on the lab's metadata host. See docs/handshaker.md.
import { parseArgs } from 'node:util';
import { logVerbosity, setLogVerbosity } from '@grpc/grpc-js';
import { EXIT, UserError } from '../errors.js';
import { startHandshakerServer } from './handshaker/handshaker-server.js';
import { readServiceAccounts } from './handshaker/service-accounts.js';

const USAGE = 'usage: handshaker-main --listen <ip:port> --accounts <file.json> [--stale-after <seconds>]';

interface HandshakerArgs {
  listen: string;
  accountsFile: string;
  staleAfterMs: number;
}

function parseHandshakerArgs(argv: string[]): HandshakerArgs | 'help' {
  let values: { listen?: string; accounts?: string; 'stale-after'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { listen: { type: 'string' }, accounts: { type: 'string' }, 'stale-after': { type: 'string' }, help: { type: 'boolean' } },
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
  const staleAfter = Number(values['stale-after'] ?? 30);
  if (!Number.isFinite(staleAfter) || staleAfter <= 0) {
    throw new UserError(`--stale-after ${values['stale-after']}: expected a number of seconds`, USAGE);
  }
  return { listen: values.listen, accountsFile: values.accounts, staleAfterMs: staleAfter * 1000 };
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
    server = await startHandshakerServer(args.listen, { accounts, staleAfterMs: args.staleAfterMs, log });
  } catch (error) {
    throw new UserError(`cannot listen on ${args.listen}: ${(error as Error).message}`);
  }
  // With port 0 the system picks one: tell the one bound.
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
