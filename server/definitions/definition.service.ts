import { createHash } from 'node:crypto';

import type { Clock } from '../clock.js';
import type { DepartmentStore } from '../departments/department.store.js';
import { serializeSource } from '../engine/bpmn-source.js';
import { BatonError, DeployValidationError, NotFoundError, VersionConflictError } from '../errors.js';
import type { DefinitionRecord, DefinitionSummary } from './definition.js';
import type { DefinitionStore } from './definition.store.js';
import { parseBpmn, validateDefinition } from './definition.validator.js';
import { formSchemas } from './embedded-forms.js';
import { VersionCache } from './version-cache.js';

export interface DeployResult {
  definition: DefinitionSummary;
  /** False when the diagram was identical to the latest version: nothing new was stored. */
  created: boolean;
}

const MAX_DEPLOY_RACES = 3;

export class DefinitionService {
  /** Task form schemas per version (`key:version`, the version's id): parsed from the diagram once. */
  private readonly forms = new VersionCache<Map<string, Record<string, unknown>>>();

  constructor(
    private readonly definitions: DefinitionStore,
    private readonly departments: DepartmentStore,
    private readonly knownHandlers: () => ReadonlySet<string>,
    private readonly clock: Clock,
    /** Told of every new version once it is stored (process start schedules follow the latest version). */
    private readonly afterDeploy: (definition: DefinitionRecord) => Promise<void> = async () => undefined,
    /** Ids of the business calendars a diagram may name (issue 16); without it calendars are not checked. */
    private readonly knownCalendars: (() => Promise<ReadonlySet<string>>) | null = null,
  ) {}

  /** Validates and stores a diagram as the next version of its process (unless it is unchanged). */
  async deploy(xml: string): Promise<DeployResult> {
    const departments = await this.departments.list();
    const knownDepartments = new Set(departments.map((department) => department.id));
    const knownDepartmentNames = new Set(departments.map((department) => department.name.toLowerCase()));
    const deployedProcesses = new Set((await this.definitions.listLatest()).map((definition) => definition.key));
    const knownCalendars = this.knownCalendars ? await this.knownCalendars() : undefined;
    const validated = await validateOrExplain(() =>
      validateDefinition(xml, {
        knownHandlers: this.knownHandlers(),
        knownDepartments,
        knownDepartmentNames,
        deployedProcesses,
        now: this.clock.now(),
        ...(knownCalendars && { knownCalendars }),
      }),
    );
    try {
      serializeSource(validated.moddleContext);
    } catch (err) {
      throw new DeployValidationError('The diagram cannot be deployed', [{ elementId: null, message: `The engine cannot load the diagram: ${err instanceof Error ? err.message : String(err)}` }]);
    }
    const hash = createHash('sha256').update(xml).digest('hex');
    for (let attempt = 1; ; attempt++) {
      const latest = await this.definitions.latest(validated.key);
      if (latest?.hash === hash) return { definition: summary(latest), created: false };
      const version = (latest?.version ?? 0) + 1;
      const record: DefinitionRecord = {
        id: `${validated.key}:${version}`,
        key: validated.key,
        version,
        name: validated.name,
        xml,
        hash,
        ticketPrefix: validated.ticketPrefix,
        startMessages: validated.startMessages,
        startTimers: validated.startTimers,
        deployedAt: this.clock.now().toISOString(),
        warnings: validated.warnings,
      };
      try {
        await this.definitions.insert(record);
        await this.afterDeploy(record);
        return { definition: summary(record), created: true };
      } catch (err) {
        // Another deploy of the same process took this version number first: number again.
        if (!(err instanceof VersionConflictError) || attempt >= MAX_DEPLOY_RACES) throw err;
      }
    }
  }

  list(): Promise<DefinitionSummary[]> {
    return this.definitions.listLatest();
  }

  async versions(key: string): Promise<DefinitionSummary[]> {
    const versions = await this.definitions.versions(key);
    if (versions.length === 0) throw new NotFoundError(`No process with key '${key}' is deployed`);
    return versions;
  }

  async xml(key: string, version: number): Promise<string> {
    const definition = await this.definitions.get(key, version);
    if (!definition) throw new NotFoundError(`Process '${key}' has no version ${version}`);
    return definition.xml;
  }

  /** Names of the service handlers (connectors) a service task may call. */
  handlerNames(): string[] {
    return [...this.knownHandlers()].sort();
  }

  /** The form-js schema of the task form `formKey` embedded in that version's diagram. */
  async form(key: string, version: number, formKey: string): Promise<Record<string, unknown>> {
    const schemas = await this.forms.get(`${key}:${version}`, async () => formSchemas((await parseBpmn(await this.xml(key, version))).definitions));
    const schema = schemas.get(formKey);
    if (!schema) throw new NotFoundError(`Process '${key}' version ${version} has no task form '${formKey}'`);
    return schema;
  }

  async latest(key: string): Promise<DefinitionRecord> {
    const definition = await this.definitions.latest(key);
    if (!definition) throw new NotFoundError(`No process with key '${key}' is deployed`);
    return definition;
  }
}

/** A rule or the reader tripping over a diagram is still the diagram's problem: a 422, never a 500. */
async function validateOrExplain<T>(validate: () => Promise<T>): Promise<T> {
  try {
    return await validate();
  } catch (err) {
    if (err instanceof BatonError) throw err;
    throw new DeployValidationError('The diagram cannot be deployed', [{ elementId: null, message: `Baton could not check the diagram: ${err instanceof Error ? err.message : String(err)}` }]);
  }
}

function summary(definition: DefinitionRecord): DefinitionSummary {
  const { xml: _xml, ...rest } = definition;
  return rest;
}
