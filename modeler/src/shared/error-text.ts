/** A caught value, in words. DOM-free, so Node-tested modules (modeler/import-check.ts) use it too. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
