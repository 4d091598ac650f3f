import type { DocItem, DraftHost, DraftStep, ImportReport } from './draft-model.js';
import { hostsCreatedBy, type Login } from './step-traits.js';

/**
 * What the document tells about its hosts: VMs it creates (`gcloud compute instances create`),
 * pods it starts (`kubectl run`), users its prompts show, hosts it logs in to. From that, how
 * each host a step runs on is reached: `gce`, `kubectl` or `ssh`.
 */
export class HostDirectory {
  private readonly gce = new Set<string>();
  private readonly pods = new Map<string, string>();
  /** Pods started by an interactive `kubectl run --rm`: gone once that shell exits. */
  private readonly podsRemovedOnExit = new Map<string, number>();
  private readonly logins = new Map<string, Login>();
  private readonly promptUsers = new Map<string, string>();

  constructor(items: readonly DocItem[]) {
    for (const item of items) {
      if (item.kind !== 'command') continue;
      const created = hostsCreatedBy(item.command.text);
      for (const name of created.gce) this.gce.add(name);
      for (const [name, selector] of created.pods) {
        this.pods.set(name, selector);
        if (/\s--rm\b/.test(item.command.text)) this.podsRemovedOnExit.set(name, item.command.line);
      }
      const { promptHost, promptUser } = item.command;
      if (promptHost !== undefined && promptUser !== undefined) this.promptUsers.set(promptHost, promptUser);
    }
  }

  addLogin(login: Login): void {
    this.logins.set(login.host, login);
  }

  /** Host names the document itself establishes: prose may name them without a digit or dash. */
  knownNames(): Set<string> {
    return new Set([...this.gce, ...this.pods.keys(), ...this.promptUsers.keys()]);
  }

  /** One target holding every host a step runs on; its name says where such hosts live. */
  targets(steps: readonly DraftStep[], report: ImportReport): Record<string, Record<string, DraftHost>> {
    const hosts: Record<string, DraftHost> = {};
    for (const step of steps) {
      if (step.host === 'local' || hosts[step.host]) continue;
      const spec = this.specOf(step.host);
      hosts[step.host] = spec;
      const [kind, value] = Object.entries(spec)[0] ?? [];
      report.guesses.push({ line: step.line, message: `host: ${step.host} is reached with ${kind}: ${value}` });
      const removedAt = this.podsRemovedOnExit.get(step.host);
      if (removedAt !== undefined) {
        report.guesses.push({
          line: step.line,
          message: `host: the pod ${step.host} (line ${removedAt}) is removed when its interactive shell exits (--rm); the steps on it need it running: start it without -it and --rm`,
        });
      }
    }
    if (Object.keys(hosts).length === 0) return {};
    const cloud = Object.values(hosts).some((host) => 'gce' in host || 'kubectl' in host);
    return { [cloud ? 'gcp' : 'vm']: hosts };
  }

  private specOf(host: string): DraftHost {
    const login = this.logins.get(host);
    if (login?.kind === 'kubectl' && login.selector) return { kubectl: login.selector };
    const pod = this.pods.get(host);
    if (pod !== undefined) return { kubectl: pod };
    if (this.gce.has(host) || login?.kind === 'gce') return { gce: host };
    const user = login?.user ?? this.promptUsers.get(host);
    return { ssh: user ? `${user}@${host}` : host };
  }
}
