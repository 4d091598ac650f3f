import { describe, expect, it } from 'vitest';
import { looksCutOff, splitGluedLine } from '../../src/import/glued-text.js';

const texts = (line: string) => splitGluedLine(line).map((piece) => (piece.output ? `OUT ${piece.text}` : piece.text));

describe('splitGluedLine', () => {
  it('splits commands a scraper glued after a closing quote, a backtick and a domain', () => {
    const line =
      'gcloud iam service-accounts create a-server --display-name "A Server"gcloud iam service-accounts create a-client' +
      ' --display-name "A Client"export P=`gcloud config get-value core/project`export SA=a@$P.iam.gserviceaccount.comexport X=1';
    expect(texts(line)).toEqual([
      'gcloud iam service-accounts create a-server --display-name "A Server"',
      'gcloud iam service-accounts create a-client --display-name "A Client"',
      'export P=`gcloud config get-value core/project`',
      'export SA=a@$P.iam.gserviceaccount.com',
      'export X=1',
    ]);
  });

  it('splits at a prompt in the middle of a line, and a command from the log lines it printed', () => {
    const line =
      '$ gcloud compute scp alts-server$ ./server 2020/06/08 21:58:11 AuthInfo Peer: a@p.com2020/06/08 21:58:11 AuthInfo Local: b';
    expect(texts(line)).toEqual([
      '$ gcloud compute scp alts-server',
      '$ ./server',
      'OUT 2020/06/08 21:58:11 AuthInfo Peer: a@p.com',
      'OUT 2020/06/08 21:58:11 AuthInfo Local: b',
    ]);
  });

  it('separates a variable from a log line glued to it', () => {
    expect(texts('$ ./client --target $SERVER_SA2020/06/08 21:58:11 done')).toEqual([
      '$ ./client --target $SERVER_SA',
      'OUT 2020/06/08 21:58:11 done',
    ]);
  });

  it('splits Envoy log lines run together', () => {
    const line = '[2020-06-09 12:59:52.818][37][debug] certificate_type: ALTS[2020-06-09 12:59:52.818][37][debug] service_accont: x';
    expect(texts(line)).toEqual([
      'OUT [2020-06-09 12:59:52.818][37][debug] certificate_type: ALTS',
      'OUT [2020-06-09 12:59:52.818][37][debug] service_accont: x',
    ]);
  });

  it('leaves seams inside quotes, prose and lines without any alone', () => {
    for (const line of [
      'bash -c "echo go; gcloud info"',
      'echo "$ gcloud is the CLI"',
      'date -s "2020/06/08 21:58:11"',
      'The server logs 2020/06/08 21:58:11 lines',
      'Note that "export" is a builtin',
    ]) {
      expect(texts(line)).toEqual([line]);
    }
  });
});

describe('looksCutOff', () => {
  it('spots a command that ends in the middle of a value or a string', () => {
    expect(looksCutOff('export SERVER_SERVICE_ACCOUNT=alts-server@$')).toBe(true);
    expect(looksCutOff('echo "unterminated')).toBe(true);
    expect(looksCutOff('export A=')).toBe(true);
    expect(looksCutOff('export A=b')).toBe(false);
    expect(looksCutOff("echo 'done'")).toBe(false);
  });
});
