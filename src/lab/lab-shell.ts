/** What lab hosts read as the machine's product name: grpc-go's test for "this is GCP". */
const LAB_PRODUCT_NAME = 'Google Compute Engine';

/**
 * grpc-go refuses ALTS unless /sys/class/dmi/id/product_name says the machine is a Google
 * Compute Engine VM, and sysfs cannot be written. The lab host's command runs in a mount
 * namespace of its own (`ip netns exec` makes one, or `unshare --mount`), so a tmpfs over
 * /sys/class there changes what this command and its children see, and nothing outside. The
 * rest of /sys/class stays readable: a sysfs of the host's network namespace is mounted inside
 * the tmpfs and every class but dmi is a link into it. Arguments: the host name, the product
 * name, the hosts file to show as /etc/hosts (empty: `ip netns exec` did it already), then the
 * program, which is exec'd, so that the process started is the program itself.
 */
const HOST_SETUP = `set -e
hostname "$1"
[ -z "$3" ] || mount --bind "$3" /etc/hosts
mount -t tmpfs -o mode=0755,size=1m alts-lab-dmi /sys/class
mkdir /sys/class/.sysfs
mount -t sysfs alts-lab-sysfs /sys/class/.sysfs
for class in /sys/class/.sysfs/class/*; do
  class=\${class##*/}
  [ "$class" = dmi ] || ln -s ".sysfs/class/$class" "/sys/class/$class"
done
mkdir -p /sys/class/dmi/id
printf '%s\\n' "$2" > /sys/class/dmi/id/product_name
printf 'Google\\n' > /sys/class/dmi/id/sys_vendor
mount -o remount,bind,ro /sys/class
shift 3
exec "$@"`;

export interface HostCommandOptions {
  /** The command that enters the host's network namespace and runs what follows it. */
  enter: readonly string[];
  /** Make a mount namespace here (`unshare --mount`): `enter` gives none (`nsenter`, unlike `ip netns exec`). */
  unshareMounts: boolean;
  host: string;
  /** A file to show as /etc/hosts, when `enter` does not do it. */
  hostsFile?: string;
  program: readonly string[];
}

/**
 * The command that starts a program inside a lab host as the host sees it: its network, its
 * /etc/hosts, its own host name (`unshare --uts`) and the GCE product name.
 */
export function labHostCommand(options: HostCommandOptions): string[] {
  return [
    ...options.enter,
    'unshare',
    ...(options.unshareMounts ? ['--mount'] : []),
    '--uts',
    '--',
    'sh',
    '-c',
    HOST_SETUP,
    'alts-lab-host',
    options.host,
    LAB_PRODUCT_NAME,
    options.hostsFile ?? '',
    ...options.program,
  ];
}

/** A lab host's persistent shell: bash, exec'd last. */
export const LAB_SHELL = ['bash', '--noprofile', '--norc'] as const;
