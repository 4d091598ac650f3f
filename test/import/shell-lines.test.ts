import { describe, expect, it } from 'vitest';
import { continuationOf, isHeadingLike, isProseLike, looksLikeCommand, parsePrompt } from '../../src/import/shell-lines.js';

describe('parsePrompt', () => {
  it.each([
    ['$ echo hi', { command: 'echo hi' }],
    ['$ ./server ', { command: './server' }],
    ['(venv) $ pip list', { command: 'pip list' }],
    ['ubuntu$ docker ps -a', { command: 'docker ps -a' }],
    ['~/src$ make', { command: 'make' }],
    ['appuser@test:/app$ curl -vs http://x', { command: 'curl -vs http://x', host: 'test', user: 'appuser' }],
    ['root@router:~# iptables -L', { command: 'iptables -L', host: 'router', user: 'root' }],
    ['[admin@web-1 tmp]$ ls', { command: 'ls', host: 'web-1', user: 'admin' }],
    ['me@localhost$ ls', { command: 'ls' }],
  ])('%s', (line, prompt) => {
    expect(parsePrompt(line)).toEqual(prompt);
  });

  it.each(['echo hi', '# a comment', '> GET / HTTP/1.1', 'cost: $ 5', 'UnaryEcho:  hello world'])('%s has no prompt', (line) => {
    expect(parsePrompt(line)).toBeUndefined();
  });
});

describe('looksLikeCommand', () => {
  it.each([
    'go build -o bin/client client/client.go',
    'gcloud iam service-accounts create alts-server --display-name "ALTS Server Service Account"',
    './envoy -c server.yaml -l debug',
    'export PROJECT_ID=`gcloud config get-value core/project`',
    'PORT=8080 node server.mjs',
    'sudo ip route show',
    'cat server.yaml | grep alts',
    'ls',
  ])('%s is a command', (line) => {
    expect(looksLikeCommand(line)).toBe(true);
  });

  it.each([
    'go to the next page and click Create.',
    'Copy server.yaml to alts-server and client-yaml to alts-client',
    'make sure the server is running before you go on',
    'UnaryEcho: hello world',
    '[2020-06-09 12:59:52.818][3782][debug][connection] certificate_type: ALTS',
    '',
  ])('%s is not a command', (line) => {
    expect(looksLikeCommand(line)).toBe(false);
  });
});

describe('prose and headings of plain text', () => {
  it('tells sentences from output', () => {
    expect(isProseLike('You should see the headers sent back to you from httpbin:')).toBe(true);
    expect(isProseLike('2020/06/08 21:58:11 AuthInfo PeerServiceAccount: alts-client@p.iam.gserviceaccount.com')).toBe(false);
    expect(isProseLike('< HTTP/1.1 200 OK from the server here')).toBe(false);
    expect(isProseLike('hello world')).toBe(false);
  });

  it('tells titles from sentences and output', () => {
    expect(isHeadingLike('Build Client/Server')).toBe(true);
    expect(isHeadingLike('Run Envoy on Client/server')).toBe(true);
    expect(isHeadingLike('On your laptop:')).toBe(false);
    expect(isHeadingLike('Replace the value for your SERVER_SERVICE_ACCOUNT below')).toBe(false);
    expect(isHeadingLike('UnaryEcho: hello world')).toBe(false);
    expect(isHeadingLike('hello')).toBe(false);
  });
});

describe('continuationOf', () => {
  it('finds a trailing backslash (not an escaped one) and heredocs', () => {
    expect(continuationOf('gcloud compute instances create x \\')).toEqual({ kind: 'backslash' });
    expect(continuationOf('echo a\\\\')).toBeUndefined();
    expect(continuationOf("cat <<'EOF' > server.yaml")).toEqual({ kind: 'heredoc', delimiter: 'EOF', indented: false });
    expect(continuationOf('cat <<-END')).toEqual({ kind: 'heredoc', delimiter: 'END', indented: true });
    expect(continuationOf('echo done')).toBeUndefined();
  });
});
