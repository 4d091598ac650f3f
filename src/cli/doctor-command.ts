import { spawnSync } from 'node:child_process';
import { EXIT, UserError } from '../errors.js';
import { type DoctorOptions, type DoctorReport, type DoctorRow, doctorReport } from '../needs/doctor.js';
import { copyPasteCommand, findInstaller, hasApt, installCommand } from '../needs/installer.js';
import { type Paint, paintFor } from '../report/colors.js';
import { confirm, isInteractive } from './terminal.js';

export interface DoctorCommandOptions extends Omit<DoctorOptions, 'env' | 'cwd'> {
  json: boolean;
  fix: boolean;
  yes: boolean;
}

/**
 * `alts-tutor doctor`: what the tutorials (and the test suite) need on this machine, ✓ or ✘ with
 * the version found and the step that needs it, then the one line that installs what is missing.
 * `--fix` runs that line (after asking, or with `--yes`) and checks again.
 */
export async function doctorCommand(options: DoctorCommandOptions): Promise<number> {
  const settings = { ...options, cwd: process.cwd(), env: process.env };
  const paint = paintFor(process.stdout);
  let report = doctorReport(settings);
  if (options.fix && report.packages.length > 0) {
    await install(report.packages, options);
    report = doctorReport(settings);
  }
  process.stdout.write(options.json ? `${JSON.stringify(toJson(report), null, 2)}\n` : renderReport(report, paint));
  return report.incomplete ? EXIT.failed : EXIT.ok;
}

async function install(packages: string[], options: DoctorCommandOptions): Promise<void> {
  const installer = findInstaller(process.env);
  if (installer.kind === 'none') {
    const why =
      installer.why === 'no-apt' ? 'there is no apt-get here' : 'this user is not root, and sudo is not allowed without a password';
    process.stderr.write(`alts-tutor: cannot install ${packages.join(' ')}: ${why}\n`);
    return;
  }
  const command = installCommand(packages, installer.kind);
  if (!options.yes) {
    if (!isInteractive()) throw new UserError(`--fix would run: ${command}`, 'add --yes to run it without a terminal');
    process.stdout.write(`${command}\n`);
    if (!(await confirm(`Install ${packages.length} Debian packages?`))) return;
  }
  // apt writes its progress straight to the terminal (to stderr under --json, which keeps stdout for the report).
  const ran = spawnSync('bash', ['-c', command], { stdio: ['ignore', options.json ? 2 : 'inherit', 'inherit'] });
  if (ran.status !== 0) process.stderr.write(`alts-tutor: the install exited ${ran.status ?? ran.signal}; what is still missing follows\n`);
}

function renderReport(report: DoctorReport, paint: Paint): string {
  const lines: string[] = [];
  for (const group of report.groups) {
    lines.push(paint('bold', group.title));
    if (group.rows.length === 0) lines.push('  nothing beyond what every Linux machine has');
    const widths = [
      Math.max(...group.rows.map((row) => row.need.id.length)),
      Math.max(...group.rows.map((row) => versionOf(row).length)),
      Math.max(...group.rows.map((row) => sourceOf(row).length)),
    ];
    for (const row of group.rows) {
      const mark = row.status.found ? paint('green', '✓') : row.optional ? paint('yellow', '-') : paint('red', '✘');
      const columns = [row.need.id.padEnd(widths[0] ?? 0), versionOf(row).padEnd(widths[1] ?? 0), sourceOf(row).padEnd(widths[2] ?? 0)];
      lines.push(`  ${mark} ${columns.join('  ')}  ${row.why}${row.status.detail ? ` — ${row.status.detail}` : ''}`);
    }
    lines.push('');
  }
  if (report.packages.length > 0 && hasApt(process.env)) {
    lines.push('To install what is missing:', `  ${copyPasteCommand(report.packages)}`);
  } else if (report.packages.length > 0) {
    const programs = report.groups.flatMap((group) => group.rows).filter((row) => !row.status.found && row.need.package);
    lines.push(
      `No apt-get here: install ${[...new Set(programs.map((row) => row.need.id))].join(', ')} with this system's package manager.`,
    );
  }
  for (const row of report.unavailable) {
    const skipped = row.optional ? ' (the tests that need it are skipped)' : '';
    lines.push(
      `${row.need.id}: ${row.need.howToGet ? `get it from ${row.need.howToGet}` : (row.status.detail ?? 'not available here')}${skipped}`,
    );
  }
  if (!report.incomplete)
    lines.push(paint('green', report.unavailable.length > 0 ? 'Everything required is here.' : 'Everything is here.'));
  return `${lines.join('\n')}\n`;
}

function versionOf(row: DoctorRow): string {
  return row.status.found ? (row.status.version ?? 'found') : 'missing';
}

/** The package that provides it, or `no package`. */
function sourceOf(row: DoctorRow): string {
  if (row.need.package) return row.need.package;
  return row.need.check.kind === 'kernel' ? 'kernel' : 'no package';
}

function toJson(report: DoctorReport) {
  return {
    ok: !report.incomplete,
    groups: report.groups.map((group) => ({
      title: group.title,
      ...(group.tutorial !== undefined && { tutorial: group.tutorial }),
      ...(group.target !== undefined && { target: group.target }),
      needs: group.rows.map((row) => ({
        id: row.need.id,
        kind: row.need.check.kind,
        about: row.need.about,
        package: row.need.package ?? null,
        ...(row.need.howToGet !== undefined && { howToGet: row.need.howToGet }),
        found: row.status.found,
        version: row.status.version ?? null,
        ...(row.status.detail !== undefined && { detail: row.status.detail }),
        why: row.why,
        steps: row.steps,
        optional: row.optional,
      })),
    })),
    packages: report.packages,
    install: report.packages.length > 0 ? copyPasteCommand(report.packages) : null,
    unavailable: report.unavailable.map((row) => row.need.id),
  };
}
