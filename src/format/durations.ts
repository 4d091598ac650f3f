const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `5m`, `1h`, `250ms`, or a bare number of seconds → milliseconds. */
export function parseDuration(value: string, what = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new Error(`${what} must look like 30s, 5m or 250ms, not "${value}"`);
  const milliseconds = Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000);
  if (milliseconds <= 0) throw new Error(`${what} must be more than zero`);
  return Math.round(milliseconds);
}

/** `3x10s`: up to 3 attempts in all, 10 seconds apart. */
export function parseRetry(value: string): { attempts: number; delay: number } {
  const match = /^(\d+)x(.+)$/.exec(value.trim());
  const attempts = Number(match?.[1]);
  if (!match?.[2] || !Number.isInteger(attempts) || attempts < 1) {
    throw new Error(`retry must look like 3x10s (attempts x delay), not "${value}"`);
  }
  return { attempts, delay: parseDuration(match[2], 'retry delay') };
}

/** Milliseconds as a short human reading: `850ms`, `1.2s`, `3m05s`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1)}s`;
  const minutes = Math.floor(milliseconds / 60_000);
  const seconds = Math.floor((milliseconds % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}
