// Shared by the benchmarks that time whole commands.
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

/** Median wall time in milliseconds of running `command` ROUNDS times (after one warm-up). */
export async function median(command, rounds = ROUNDS) {
  await command();
  const times = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await command();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
