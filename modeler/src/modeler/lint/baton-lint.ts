/**
 * Lint while drawing: bpmnlint's recommended rules (compiled at build time) plus Baton's deploy
 * rules, run in the browser with the server's own code (server/definitions/diagram-rules.ts) on
 * the modeler's moddle tree, so what lint shows is what deploy would say.
 */
import { config as recommended, resolver as recommendedResolver } from 'bpmnlint-config:recommended';

import { checkDiagram } from '../../../../server/definitions/diagram-rules.js';
import type { ModdleElement } from '../../../../server/definitions/moddle-element.js';
import { Findings } from '../../../../server/definitions/validation-types.js';

export interface BatonLintOptions {
  handlers: string[];
  /** Empty when the list is not available: unknown departments are then not reported. */
  departments: string[];
  /** Business calendar ids; absent: calendars are not checked. */
  calendars?: string[];
}

interface Reporter {
  report(id: string, message: string): void;
}

const PLUGIN = 'bpmnlint-plugin-baton';

function deployRule(kind: 'errors' | 'warnings') {
  return (options: BatonLintOptions) => ({
    check(node: ModdleElement & { id?: string }, reporter: Reporter) {
      if (node.$type !== 'bpmn:Definitions') return;
      const findings = new Findings();
      checkDiagram(
        node,
        { knownHandlers: new Set(options.handlers), knownDepartments: new Set(options.departments), ...(options.calendars && { knownCalendars: new Set(options.calendars) }) },
        findings,
      );
      for (const issue of findings[kind]) {
        // Departments unknown to the browser (no list) are not worth a warning on every task.
        if (kind === 'warnings' && options.departments.length === 0 && /department/i.test(issue.message)) continue;
        reporter.report(issue.elementId ?? node.id ?? 'definitions', issue.message);
      }
    },
  });
}

const batonRules: Record<string, unknown> = {
  'deploy-errors': deployRule('errors'),
  'deploy-warnings': deployRule('warnings'),
};

/** The bundle bpmn-js-bpmnlint takes (`linting.bpmnlint`, `setLinterConfig`). */
export function lintConfig(options: BatonLintOptions) {
  return {
    config: {
      rules: {
        ...recommended.rules,
        'baton/deploy-errors': ['error', options],
        'baton/deploy-warnings': ['warn', options],
      },
    },
    resolver: {
      resolveRule(pkg: string, name: string) {
        if (pkg === PLUGIN) {
          const rule = batonRules[name];
          if (!rule) throw new Error(`unknown Baton lint rule ${name}`);
          return rule;
        }
        return recommendedResolver.resolveRule(pkg, name);
      },
      resolveConfig(pkg: string, name: string) {
        return recommendedResolver.resolveConfig(pkg, name);
      },
    },
  };
}
