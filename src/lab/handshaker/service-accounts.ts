import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { UserError } from '../../errors.js';

/**
 * The emulator's table of identities: `{ "<IPv4 source address>": "<service account>", … }`. It
 * stands in for what GCE knows from the VM itself: which service account a host runs as.
 */
function parseServiceAccounts(text: string, file: string): Map<string, string> {
  let table: unknown;
  try {
    table = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw new UserError(`${file}: expected an object { "<IPv4 address>": "<service account>", … }`);
  }
  const accounts = new Map<string, string>();
  for (const [address, account] of Object.entries(table)) {
    if (!isIPv4(address)) throw new UserError(`${file}: "${address}" is not an IPv4 address`);
    if (typeof account !== 'string' || !/^\S+$/.test(account)) {
      throw new UserError(`${file}: the service account of ${address} must be a non-empty string without spaces`);
    }
    accounts.set(address, account);
  }
  if (accounts.size === 0) throw new UserError(`${file}: no accounts: the emulator would refuse every handshake`);
  return accounts;
}

export function readServiceAccounts(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the accounts file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseServiceAccounts(text, file);
}
