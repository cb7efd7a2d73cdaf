/** Stub handler that fails; the message must never reach the client. */
export async function handler(): Promise<never> {
  throw new Error('SECRET-DETAIL: claim 12345 for Jane Doe');
}
