/**
 * The values of each tenant's release: built by ONE function (`tenantChartValues`), used by the
 * synthesized helm_release and by the tests that run `helm template`, and validated against the
 * chart's own values.schema.json the way helm validates them (chart defaults coalesced with the
 * release's values by `withChartDefaults`, once per tenant in `resolveTenant`, tenant-values.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment, Problem } from "@gpp/deployment";
import type { ErrorObject } from "ajv";
import YAML from "yaml";
import { loadSchemaValidator, type SchemaValidator } from "./chart-validator";
import { tenantScheduling } from "./isolation";
import type { ComputeResources } from "./tenant";

export type Values = Record<string, unknown>;
export type TenantSpec = Deployment["tenants"][number];

export interface ContainerResources {
  readonly requests: ComputeResources;
  readonly limits: ComputeResources;
}

/**
 * A release's values merged with the chart's defaults, as far as the helm stack reads them. Only
 * values values.schema.json accepts have this shape: the schema requires every key named here (and
 * refuses a `null` that would delete one).
 */
export interface ChartValues extends Values {
  readonly image: { readonly repository: string };
  readonly replicaCount: number;
  readonly autoscaling: { readonly enabled: boolean; readonly maxReplicas: number };
  readonly keda: { readonly enabled: boolean };
  readonly resources: ContainerResources;
  readonly helmTest: { readonly image: { readonly repository: string }; readonly resources: ContainerResources };
}

/** The service chart, packaged per stack as one TerraformAsset. */
export const CHART_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../charts/tech-interview");

/** Where a tenant's traffic comes from: the shared ingress controller. */
export interface IngressTarget {
  readonly className: string;
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * Keys the stack derives from the deployment and the ingress controller. A tenant's `values` may not
 * set them: the host is `tenants[i].host` (checked for collisions), and the NetworkPolicy is the
 * tenant isolation boundary.
 */
export const STACK_OWNED_KEYS: readonly (readonly string[])[] = [
  ["ingress", "enabled"],
  ["ingress", "host"],
  ["ingress", "className"],
  ["networkPolicy"],
  // Tenants run on the deployment's own NodePool (or their dedicated one), whose nodes carry the budget's tags.
  ["nodeSelector", "karpenter.sh/nodepool"],
  ["nodeSelector", "gpp.tenant"],
  // The dedicated pool's toleration, from tenants[i].isolation (admission refuses any other tenant's).
  ["tolerations"],
  // The off-hours schedule is the deployment's (descriptor `scaling.off_hours`), and prod never has one.
  ["keda"],
];

function isPlainObject(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Helm's merge of values: maps merge key by key, anything else (lists included) is replaced, and a
 * `null` deletes the key. Neither argument is modified.
 */
export function coalesceValues(base: Values, override: Values): Values {
  const result: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) {
      delete result[key];
    } else if (isPlainObject(value) && isPlainObject(result[key])) {
      result[key] = coalesceValues(result[key] as Values, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

/**
 * KEDA values for a deployment with an off-hours schedule (only non-prod deployments have one), or
 * none: then the chart keeps its plain HPA and KEDA is not installed.
 */
export function offHoursValues(deployment: Deployment): Values | undefined {
  const offHours = deployment.scaling.off_hours;
  if (!offHours) return undefined;
  return {
    enabled: true,
    offHours: { timezone: offHours.timezone, scaleUp: offHours.scale_up, scaleDown: offHours.scale_down },
  };
}

/** The one function that decides a tenant's chart values. */
export function tenantChartValues(deployment: Deployment, tenant: TenantSpec, ingress: IngressTarget): Values {
  const { repository, tag, digest } = deployment.service.image;
  const keda = offHoursValues(deployment);
  const stackValues: Values = {
    image: { repository, tag, digest: digest ?? "" },
    // metrics-server (an EKS add-on, from iac) feeds the HPA or KEDA's cpu trigger; until it runs,
    // the HPA holds minReplicas.
    autoscaling: { enabled: true },
    ingress: { enabled: true, className: ingress.className, host: tenant.host },
    // Merged into the chart's nodeSelector (linux, amd64): the deployment's tagged NodePool, or the
    // tenant's dedicated one with the toleration of its taint (isolation.ts).
    ...tenantScheduling(tenant),
    networkPolicy: {
      enabled: true,
      ingressControllerNamespace: ingress.namespace,
      ingressControllerPodLabels: { ...ingress.podLabels },
    },
    ...(keda ? { keda } : {}),
  };
  return coalesceValues(stackValues, tenant.values);
}

interface ChartSchema {
  readonly defaults: Values;
  readonly validate: SchemaValidator;
}

let chartSchema: ChartSchema | undefined;

/**
 * values.yaml and the validator of values.schema.json, read once per process; the validator is compiled
 * once per schema and kept in helm/node_modules/.cache (chart-validator.ts).
 */
export function loadChartSchema(): ChartSchema {
  if (!chartSchema) {
    const defaults = YAML.parse(readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8")) as Values;
    const { validate } = loadSchemaValidator(readFileSync(path.join(CHART_DIR, "values.schema.json"), "utf8"));
    chartSchema = { defaults, validate };
  }
  return chartSchema;
}

/** What helm renders a release with: the chart's values.yaml coalesced with the release's values. */
export function withChartDefaults(values: Values): Values {
  return coalesceValues(loadChartSchema().defaults, values);
}

function fieldOf(prefix: string, error: ErrorObject): string {
  const parts = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (error.keyword === "additionalProperties") parts.push(String(error.params.additionalProperty));
  // A missing key (deleted with `null`, or left out of a block) is named itself, not its parent.
  if (error.keyword === "required") parts.push(String(error.params.missingProperty));
  return parts.reduce((field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : `${field}.${part}`), prefix);
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === "additionalProperties") {
    return "unknown key: the chart's values.schema.json does not allow it";
  }
  if (error.keyword === "required") {
    return "is required by the chart's values.schema.json (a `null` deletes the chart's default)";
  }
  return `${error.message ?? "is invalid"} (the chart's values.schema.json)`;
}

/**
 * Problems with a tenant's values, each naming `tenants[i].values.<key>`: keys the stack owns (in the
 * descriptor's `values`), and everything the chart's schema rejects in `merged`, the release's values
 * coalesced with the chart defaults (`withChartDefaults`).
 */
export function tenantValuesProblems(tenantIndex: number, tenant: TenantSpec, merged: Values): Problem[] {
  const prefix = `tenants[${tenantIndex}].values`;
  const problems: Problem[] = [];
  for (const key of STACK_OWNED_KEYS) {
    let node: unknown = tenant.values;
    // A `null` on the way deletes the whole block, the stack's key with it.
    for (const part of key) node = isPlainObject(node) ? node[part] : node === null ? null : undefined;
    if (node !== undefined) {
      problems.push({
        field: `${prefix}.${key.join(".")}`,
        message: "is set by the helm stack (the host from tenants[i].host, the rest from the ingress controller)",
      });
    }
  }
  const { validate } = loadChartSchema();
  if (!validate(merged)) {
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      // An if/then error only summarises the error listed beside it.
      if (error.keyword === "if") continue;
      const problem = { field: fieldOf(prefix, error), message: messageOf(error) };
      const key = `${problem.field}\n${problem.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(problem);
      }
    }
  }
  return problems;
}
