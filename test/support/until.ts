/**
 * Polls `probe` every `pollMs` until it gives a value, and returns it; throws naming `what` once
 * `timeoutMs` has passed. For tests that wait on something another process does (an alert
 * evaluated, a notification delivered).
 */
export async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>, pollMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
