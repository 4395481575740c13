/**
 * Secrets every node must share and nobody configures (the key that signs intake form stamps): the
 * first node to ask creates one, every later ask on any node reads that one. They live in the
 * database, so a restart keeps them too.
 */
export interface SecretStore {
  getOrCreate(name: string, generate: () => string): Promise<string>;
}
