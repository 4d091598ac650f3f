import { findProgram, isExecutable } from './on-path.js';

/**
 * A local shell runs under a supervisor, so that nothing a run started outlives it, whatever
 * kills the runner (SIGKILL included, which no handler of the runner sees). Node cannot call
 * prctl(2), so the supervisor is Perl: perl-base is Essential in Debian (there on every
 * install, unlike python3 or a compiler), and `syscall` is built in. The supervisor
 * - makes itself a child subreaper (PR_SET_CHILD_SUBREAPER): every orphan of the shell's
 *   subtree (a `cmd &` whose subshell ended, a `setsid` or double-forked daemon) becomes its
 *   child instead of init's, so the shell's whole tree stays findable under it in /proc;
 * - forks the shell (in a process group of its own, dying with the supervisor through
 *   PR_SET_PDEATHSIG) and gives it its stdin, stdout and stderr;
 * - holds fd 3, a pipe from the runner that the runner never writes: the kernel closes it when
 *   the runner dies, however it dies, and then the supervisor SIGKILLs its whole subtree;
 * - when the shell itself ends (its input closed, a step ran `exit`, it was killed), stops what
 *   is left of the subtree (SIGTERM, SIGKILL after 2 s) and exits with the shell's status, as
 *   the remote supervisor does (remote-scripts.ts);
 * - at its end removes the shell's private directory.
 */
const SUPERVISOR = String.raw`
use strict;
use POSIX ();
$0 = 'alts-tutor-supervisor';
my ($prctl, $private, @command) = @ARGV;
syscall($prctl, 36, 1, 0, 0, 0) if $prctl;
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
my $shell = fork() // die "alts-tutor: cannot fork: $!\n";
if ($shell == 0) {
  POSIX::setpgid(0, 0);
  syscall($prctl, 1, 9, 0, 0, 0) if $prctl;
  POSIX::close(3);
  close($wake_r); close($wake_w);
  exec { $command[0] } @command;
  print STDERR "alts-tutor: cannot start $command[0]: $!\n";
  POSIX::_exit(127);
}
open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null'); open(STDERR, '>', '/dev/null');
open(my $runner, '<&=', 3) or die;
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };
my $stop = 0;
$SIG{$_} = sub { $stop = 1; syswrite($wake_w, 's') } for qw(TERM HUP INT);
my $status;

sub children {
  my ($pid) = @_;
  my @kids;
  if (opendir(my $tasks, "/proc/$pid/task")) {
    for my $task (grep { /^\d+$/ } readdir($tasks)) {
      open(my $f, '<', "/proc/$pid/task/$task/children") or next;
      push @kids, split(' ', scalar(<$f>) // '');
    }
  }
  return @kids;
}
sub running {
  my ($pid) = @_;
  open(my $f, '<', "/proc/$pid/stat") or return 0;
  my $stat = <$f> // '';
  return $stat =~ /\) (\S)/ && $1 ne 'Z';
}
sub reap {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    $status = POSIX::WIFEXITED($?) ? POSIX::WEXITSTATUS($?) : 128 + POSIX::WTERMSIG($?) if $pid == $shell;
  }
}
sub subtree {
  my @all; my @todo = ($$);
  while (@todo) { my @kids = children(shift @todo); push @all, @kids; push @todo, @kids; }
  return grep { running($_) } @all;
}
# SIGTERM to the subtree, then SIGKILL until nothing of it runs (what forks meanwhile is found
# on the next pass).
sub stop_all {
  my ($grace) = @_;
  my $deadline = time + $grace;
  if ($grace > 0) {
    kill('TERM', subtree());
    while (time < $deadline && subtree()) { reap(); select(undef, undef, undef, 0.05); }
  }
  for (1 .. 200) {
    my @left = subtree();
    last unless @left;
    kill('KILL', @left);
    reap();
    select(undef, undef, undef, 0.01);
  }
  reap();
  # The shell's private directory (state dumps, FIFOs): a killed runner cannot remove it.
  system('rm', '-rf', '--', $private) if $private ne '';
}

for (;;) {
  reap();
  if (defined $status) { stop_all(2); exit($status); }
  if ($stop) { stop_all(0); exit(143); }
  my $in = '';
  vec($in, 3, 1) = 1;
  vec($in, fileno($wake_r), 1) = 1;
  next if select(my $out = $in, undef, undef, 5) <= 0;
  if (vec($out, fileno($wake_r), 1)) { sysread($wake_r, my $wake, 64); }
  if (vec($out, 3, 1)) {
    my $read = sysread($runner, my $ignored, 64);
    if (!$read) { stop_all(0); exit(137); }
  }
}
`;

/** prctl's system call number: it differs by architecture (0: unknown, run without the kernel's help). */
const PRCTL: Partial<Record<NodeJS.Architecture, number>> = {
  x64: 157,
  arm64: 167,
  riscv64: 167,
  loong64: 167,
  arm: 172,
  ia32: 172,
  s390x: 172,
  ppc64: 171,
};

/**
 * The argv that runs `command` under the supervisor, whose fd 3 must be a pipe the runner keeps
 * open; undefined where perl is missing (the shell then runs as it is, and `resume` reaps what a
 * killed run left by its ALTS_TUTOR_SESSION).
 */
export function supervisedCommand(command: readonly string[], privateDir: string, path: string | undefined): string[] | undefined {
  const perl = findProgram('perl', path) ?? (isExecutable('/usr/bin/perl') ? '/usr/bin/perl' : undefined);
  if (perl === undefined) return undefined;
  return [perl, '-e', SUPERVISOR, String(PRCTL[process.arch] ?? 0), privateDir, ...command];
}

/**
 * `command`, dying with the runner (PR_SET_PDEATHSIG through util-linux's setpriv, which then
 * execs it, so the pid is the same): for a process the runner starts itself, outside any shell,
 * that starts nothing of its own (the lab's namespace pins, the handshaker emulator).
 */
export function dyingWithRunner(command: readonly string[], path: string | undefined): string[] {
  const setpriv = findProgram('setpriv', path) ?? (isExecutable('/usr/bin/setpriv') ? '/usr/bin/setpriv' : undefined);
  return setpriv === undefined ? [...command] : [setpriv, '--pdeathsig', 'KILL', '--', ...command];
}
