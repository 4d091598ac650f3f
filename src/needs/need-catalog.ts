/**
 * The one list of what alts-tutor's runs and its test suite need on a machine: every program,
 * Go library and kernel feature, how to tell it is there, and the Debian/Ubuntu package that
 * provides it. `doctor`, the plan's prepare step, the lab's support check, the README's
 * requirements, `.ci/run` and the test suite all read it (src/needs/).
 */

/** How a need shows itself on this machine. */
export type NeedCheck =
  /** A command on PATH (or, for daemons outside an ordinary user's PATH, at one of `paths`). */
  | { kind: 'program'; command: string; paths?: readonly string[]; version?: readonly string[] }
  /** A Go package in Debian's GOPATH tree, as a GOPATH-mode build finds it. */
  | { kind: 'go-library'; importPath: string }
  /** Something of the kernel's, checked by `probeKernel` (src/needs/probe-needs.ts). */
  | { kind: 'kernel'; feature: KernelFeature };

export type KernelFeature = 'netns' | 'userns' | 'tproxy';

export interface Need {
  /** The name tutorials use in `requires` and doctor prints. */
  id: string;
  check: NeedCheck;
  /** The Debian/Ubuntu package that provides it; absent when apt has none (gcloud, a kernel feature). */
  package?: string;
  /** Where to get it when no package provides it. */
  howToGet?: string;
  /** What it is, in a few words. */
  about: string;
}

const GOCODE = '/usr/share/gocode/src';

/** Debian's own GOPATH: the grpc-go 1.33 that `build-offline.sh` builds against. */
export const DEBIAN_GOPATH = '/usr/share/gocode';

export const NEEDS: readonly Need[] = [
  { id: 'ip', check: { kind: 'program', command: 'ip', version: ['-V'] }, package: 'iproute2', about: 'network namespaces, veth, routes' },
  {
    id: 'unshare',
    check: { kind: 'program', command: 'unshare', version: ['--version'] },
    package: 'util-linux',
    about: 'mount and user namespaces',
  },
  {
    id: 'nsenter',
    check: { kind: 'program', command: 'nsenter', version: ['--version'] },
    package: 'util-linux',
    about: 'enters a lab host (ordinary user)',
  },
  {
    id: 'mount',
    check: { kind: 'program', command: 'mount', version: ['--version'] },
    package: 'mount',
    about: "each lab host's private mounts",
  },
  { id: 'hostname', check: { kind: 'program', command: 'hostname' }, package: 'hostname', about: "each lab host's name" },
  { id: 'go', check: { kind: 'program', command: 'go', version: ['version'] }, package: 'golang-go', about: 'the Go toolchain' },
  {
    id: 'grpc-go',
    check: { kind: 'go-library', importPath: 'google.golang.org/grpc' },
    package: 'golang-google-grpc-dev',
    about: 'grpc-go with ALTS, for GOPATH builds',
  },
  {
    id: 'protobuf-go',
    check: { kind: 'go-library', importPath: 'google.golang.org/protobuf' },
    package: 'golang-google-protobuf-dev',
    about: "protobuf's Go runtime",
  },
  {
    id: 'golang-protobuf',
    check: { kind: 'go-library', importPath: 'github.com/golang/protobuf' },
    package: 'golang-github-golang-protobuf-1-5-dev',
    about: 'the older protobuf API grpc-go 1.33 imports',
  },
  {
    id: 'iptables',
    check: { kind: 'program', command: 'iptables', paths: ['/usr/sbin/iptables', '/sbin/iptables'], version: ['--version'] },
    package: 'iptables',
    about: 'packet filter rules',
  },
  { id: 'python3', check: { kind: 'program', command: 'python3', version: ['--version'] }, package: 'python3', about: 'Python 3' },
  { id: 'curl', check: { kind: 'program', command: 'curl', version: ['--version'] }, package: 'curl', about: 'HTTP client' },
  { id: 'ssh', check: { kind: 'program', command: 'ssh', version: ['-V'] }, package: 'openssh-client', about: 'OpenSSH client' },
  {
    id: 'sshd',
    check: { kind: 'program', command: 'sshd', paths: ['/usr/sbin/sshd'], version: ['-V'] },
    package: 'openssh-server',
    about: 'OpenSSH server',
  },
  { id: 'tar', check: { kind: 'program', command: 'tar', version: ['--version'] }, package: 'tar', about: 'archives' },
  {
    id: 'sysctl',
    check: { kind: 'program', command: 'sysctl', paths: ['/usr/sbin/sysctl', '/sbin/sysctl'], version: ['--version'] },
    package: 'procps',
    about: 'kernel settings (forwarding)',
  },
  { id: 'tmux', check: { kind: 'program', command: 'tmux', version: ['-V'] }, package: 'tmux', about: 'terminal multiplexer' },
  {
    id: 'cram3',
    check: { kind: 'program', command: 'cram3', version: ['--version'] },
    package: 'python3-cram',
    about: 'cram, the transcript tester',
  },
  {
    id: 'shellcheck',
    check: { kind: 'program', command: 'shellcheck', version: ['--version'] },
    package: 'shellcheck',
    about: 'shell script linter',
  },
  {
    id: 'kubectl',
    check: { kind: 'program', command: 'kubectl', version: ['version', '--client'] },
    package: 'kubernetes-client',
    about: 'Kubernetes client',
  },
  {
    id: 'less',
    check: { kind: 'program', command: 'less', version: ['--version'] },
    package: 'less',
    about: 'pager',
  },
  {
    id: 'chromium',
    check: { kind: 'program', command: 'chromium', version: ['--version'] },
    package: 'chromium',
    about: 'web browser (headless)',
  },
  { id: 'docker', check: { kind: 'program', command: 'docker', version: ['--version'] }, package: 'docker.io', about: 'container engine' },
  {
    id: 'gcloud',
    check: { kind: 'program', command: 'gcloud', version: ['version'] },
    howToGet: 'https://cloud.google.com/sdk/docs/install (Google Cloud CLI; no Debian or Ubuntu package)',
    about: 'Google Cloud CLI',
  },
  { id: 'netns', check: { kind: 'kernel', feature: 'netns' }, about: 'network namespaces, and the capabilities to make them' },
  { id: 'userns', check: { kind: 'kernel', feature: 'userns' }, about: 'user namespaces for an ordinary user' },
  { id: 'tproxy', check: { kind: 'kernel', feature: 'tproxy' }, about: 'the iptables TPROXY target (xt_TPROXY)' },
];

const BY_ID = new Map(NEEDS.map((need) => [need.id, need]));

/** The catalog's need of that id; undefined for a program the catalog does not know. */
export function findNeed(id: string): Need | undefined {
  return BY_ID.get(id);
}

/** A need of the catalog, or a plain program on PATH for a name it does not know. */
export function needOf(id: string): Need {
  return findNeed(id) ?? { id, check: { kind: 'program', command: id }, about: 'a program the tutorial names' };
}

/** Needs that a Go build's `cannot find package "…"` names, by import path. */
export function goLibraryFor(importPath: string): Need | undefined {
  return NEEDS.find(
    (need) =>
      need.check.kind === 'go-library' && (importPath === need.check.importPath || importPath.startsWith(`${need.check.importPath}/`)),
  );
}

/** Where a Go library of the catalog lies on disk. */
export function goLibraryDir(importPath: string): string {
  return `${GOCODE}/${importPath}`;
}

/** What every run on lab hosts needs: root's named namespaces, or an ordinary user's user namespace. */
export function labNeeds(root: boolean): string[] {
  return root ? ['ip', 'unshare', 'mount', 'hostname', 'netns'] : ['ip', 'unshare', 'nsenter', 'mount', 'hostname', 'netns', 'userns'];
}

/** What a host of each remote kind needs on this machine. */
export const HOST_KIND_NEEDS: Readonly<Record<string, string>> = { gce: 'gcloud', kubectl: 'kubectl', ssh: 'ssh' };

/**
 * What alts-tutor's own test suite drives for real (`npm test`), and why. Needs with no
 * package (gcloud) cannot be set up: exactly the tests that need them are skipped.
 */
export const TEST_SUITE_NEEDS: ReadonlyArray<{ id: string; why: string }> = [
  { id: 'ip', why: 'lab and sshd tests make network namespaces' },
  { id: 'iptables', why: 'the envoy-tproxy lab and its TPROXY rules' },
  { id: 'go', why: 'builds the alts-grpc client and server' },
  { id: 'grpc-go', why: "the ALTS handshaker tests run grpc-go's real ALTS client and server" },
  { id: 'protobuf-go', why: 'grpc-go imports it' },
  { id: 'golang-protobuf', why: 'grpc-go 1.33 imports it' },
  { id: 'python3', why: 'the TPROXY stand-in for Envoy and the web server' },
  { id: 'curl', why: 'steps of the envoy-tproxy tutorial' },
  { id: 'ssh', why: 'ssh and gce hosts are tested over a real ssh' },
  { id: 'sshd', why: 'a real sshd in a namespace stands in for a VM' },
  { id: 'sysctl', why: 'the envoy-tproxy router turns on forwarding' },
  { id: 'tmux', why: 'the TUI is driven in a real terminal' },
  { id: 'less', why: "the TUI's l and alts-tutor logs page a step's log through less -R" },
  { id: 'chromium', why: 'the HTML report is opened and screenshotted in headless Chromium' },
  { id: 'shellcheck', why: 'the step scripts are linted' },
  { id: 'cram3', why: 'cram .t files are run by alts-tutor and by cram itself, and the results compared' },
  { id: 'kubectl', why: "manifests go through kubectl's client-side dry run" },
  { id: 'gcloud', why: 'the cloud tests run the real gcloud against a fake Compute API' },
];
