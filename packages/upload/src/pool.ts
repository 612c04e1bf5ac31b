/**
 * Runs `worker` on every value of `source` with at most `concurrency` at once. Workers pull
 * from the one shared iterator, so the source is read only as fast as work finishes
 * (back-pressure), and at most `concurrency` requests are ever in flight. The first error
 * stops the pool and is thrown.
 */
export async function runPool<T>(
  source: AsyncIterator<T>,
  concurrency: number,
  worker: (value: T) => Promise<void>,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const run = async () => {
    while (!failure) {
      const next = await source.next();
      if (next.done || failure) return;
      try {
        await worker(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, run));
  if (failure) throw failure.error;
}
