/**
 * Collects text and writes it in batches: at most every `intervalMs`, or at once past 64 KiB.
 * A reporter of a 500-step run then makes a few dozen writes, not thousands, and a person still
 * sees each line within a frame or two. `flush` writes what is left.
 */
export function batchedWriter(write: (text: string) => void, intervalMs = 40): { write(text: string): void; flush(): void } {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  return {
    write(text) {
      pending += text;
      if (pending.length > 65_536) flush();
      else timer ??= setTimeout(flush, intervalMs);
    },
    flush,
  };
}
