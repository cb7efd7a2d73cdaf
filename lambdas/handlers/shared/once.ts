/**
 * Builds a value once, on first use; a failed build is tried again next time. The composition
 * roots use it for what loads an SDK or an adapter only when a request first needs it.
 *
 * @param build - makes the value
 * @returns a getter of the one value
 */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build();
    built.catch(() => {
      built = undefined;
    });
    return built;
  };
}
