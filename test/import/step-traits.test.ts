import { describe, expect, it } from 'vitest';
import { parseAttributes } from '../../src/format/attributes.js';
import {
  guessExitStatus,
  guessReadiness,
  isCleanupHeading,
  isInteractive,
  isJobControl,
  isLongRunning,
  loginOf,
  withoutTrailingAmpersand,
} from '../../src/import/step-traits.js';

describe('isLongRunning', () => {
  it.each([
    'envoy -c client.yaml -l debug',
    './envoy -c server.yaml',
    './server',
    './bin/greeter_server --port 50051',
    'python3 -m http.server 8765',
    'python3 app.py &',
    'kubectl port-forward svc/web 8080:80',
    'kubectl logs -f deploy/web',
    'go run server/main.go',
    'npm start',
  ])('%s keeps running', (command) => {
    expect(isLongRunning(command)).toBe(true);
  });

  it.each([
    'go build -o bin/server server/server.go',
    './client --addr a:1',
    'gcloud compute scp bin/server vm:',
    'make && make test',
    'envoy --version',
  ])('%s ends by itself', (command) => {
    expect(isLongRunning(command)).toBe(false);
  });

  it('drops the trailing & but keeps &&', () => {
    expect(withoutTrailingAmpersand('python3 -m http.server 8765 &')).toBe('python3 -m http.server 8765');
    expect(withoutTrailingAmpersand('a && b')).toBe('a && b');
  });
});

describe('guessReadiness', () => {
  it('prefers a port the command names', () => {
    expect(guessReadiness('python3 -m http.server 8765 --bind 127.0.0.1', ['Serving HTTP on 127.0.0.1 port 8765'])).toMatchObject({
      ready: 'port:8765',
    });
    expect(guessReadiness('./server --port=50051', [])).toMatchObject({ ready: 'port:50051' });
    expect(guessReadiness('docker run -p 8080:80 nginx', [])).toMatchObject({ ready: 'port:8080' });
    expect(guessReadiness('python3 -m http.server', [])).toMatchObject({ ready: 'port:8000' });
  });

  it('else builds a pattern from the line of the output that announces the server, without its volatile values', () => {
    const guess = guessReadiness('./server', ['2020/06/08 21:58:11 starting', '2020/06/08 21:58:11 Listening on 10.0.0.1:50051 (pid 42)']);
    expect(guess.ready).toBe('/starting/');
    const envoy = guessReadiness('./proxy', ['[2020-06-09 12:59:52.818][1][info][main] all clusters initialized. starting workers']);
    expect(envoy.ready).toBe('/\\[1\\]\\[info\\]\\[main\\] all clusters initialized\\. starting workers/');
    // The guess is valid attribute text: the parser reads it back as the same regular expression.
    const ready = parseAttributes(`{ ready="${(envoy.ready ?? '').replace(/\\/g, '\\\\')}" }`).ready;
    expect(
      ready?.kind === 'output' && ready.pattern.test('[2020-06-09 12:59:53.001][1][info][main] all clusters initialized. starting workers'),
    ).toBe(true);
  });

  it('guesses nothing when the output shows only later events, or nothing', () => {
    expect(guessReadiness('./server', ['2020/06/08 21:58:11 AuthInfo PeerServiceAccount: a@b'])).toEqual({
      why: 'no line of the shown output announces that it is up',
    });
    expect(guessReadiness('./envoy -c server.yaml', [])).toEqual({ why: 'the document shows no output for it' });
  });
});

describe('other traits', () => {
  it('finds commands that need a terminal', () => {
    expect(isInteractive('kubectl exec -it -n app-1 deploy/whereami -- curl -vs http://a')).toBe(true);
    expect(isInteractive('docker run -ti --rm alpine sh')).toBe(true);
    expect(isInteractive('bash')).toBe(true);
    expect(isInteractive('kubectl exec -n app-1 deploy/whereami -- curl http://a')).toBe(false);
  });

  it('finds job control, which the run does itself', () => {
    expect(isJobControl('kill %1')).toBe(true);
    expect(isJobControl('kill -9 $!')).toBe(true);
    expect(isJobControl('fg')).toBe(true);
    expect(isJobControl('kill 1234')).toBe(false);
  });

  it('finds log-ins to other hosts', () => {
    expect(loginOf('gcloud compute ssh alts-server --zone us-central1-a')).toEqual({ host: 'alts-server', kind: 'gce' });
    expect(loginOf('gcloud compute scp alts-server')).toEqual({ host: 'alts-server', kind: 'gce' });
    expect(loginOf('ssh ubuntu@router')).toEqual({ host: 'router', kind: 'ssh', user: 'ubuntu' });
    expect(loginOf('kubectl exec -it -n web deploy/api -- /bin/bash')).toEqual({
      host: 'api',
      kind: 'kubectl',
      selector: '-n web deploy/api',
    });
    expect(loginOf('gcloud compute ssh alts-server --command "ls"')).toBeUndefined();
    expect(loginOf('gcloud compute scp bin/server alts-server:')).toBeUndefined();
    expect(loginOf('ssh router uptime')).toBeUndefined();
  });

  it('reads the exit status of a curl shown failing', () => {
    expect(guessExitStatus('curl -vs http://a', ['*   Trying 10.0.0.1:80...', '* Recv failure: Connection reset by peer'])).toBe(56);
    expect(guessExitStatus('curl -m2 https://a', ['* Connection timed out after 2001 milliseconds'])).toBe(28);
    expect(guessExitStatus('curl http://a', ['curl: (7) Failed to connect to a port 80'])).toBe(7);
    expect(guessExitStatus('curl http://a', ['<html>ok</html>'])).toBeUndefined();
    expect(guessExitStatus('echo "* Recv failure"', ['* Recv failure'])).toBeUndefined();
  });

  it('knows clean-up sections', () => {
    for (const heading of ['Cleanup', 'Clean up', '6. Cleaning', 'Tear down', 'Delete the resources'])
      expect(isCleanupHeading(heading)).toBe(true);
    for (const heading of ['Setup', 'Run the client', 'Clear output']) expect(isCleanupHeading(heading)).toBe(false);
  });
});
