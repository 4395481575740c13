import type { Connector } from './connector.js';

export class ConnectorRegistry {
  private readonly connectors = new Map<string, Connector>();

  constructor(connectors: Connector[] = []) {
    for (const connector of connectors) this.register(connector);
  }

  register(connector: Connector): void {
    if (this.connectors.has(connector.name)) throw new Error(`Connector '${connector.name}' is registered twice`);
    this.connectors.set(connector.name, connector);
  }

  get(name: string): Connector | undefined {
    return this.connectors.get(name);
  }

  names(): ReadonlySet<string> {
    return new Set(this.connectors.keys());
  }

  list(): { name: string; description: string }[] {
    return [...this.connectors.values()].map(({ name, description }) => ({ name, description }));
  }
}
