/**
 * Kubernetes objects for the rules: the pod specs inside workloads, label selectors, and the translation
 * of a stack's own `kubernetes_*` resources (snake_case Terraform blocks) into manifest shape.
 */
import { blocks, isObject } from "./terraform";
import type { Json, KubernetesObject, SynthesizedStack } from "./types";

export const kindOf = (object: KubernetesObject): string => String(object.manifest.kind ?? "");
export const metadataOf = (object: KubernetesObject): Json => (isObject(object.manifest.metadata) ? object.manifest.metadata : {});
export const nameOf = (object: KubernetesObject): string => String(metadataOf(object).name ?? "(unnamed)");
export const labelsOf = (metadata: unknown): Record<string, string> =>
  isObject(metadata) && isObject(metadata.labels) ? (metadata.labels as Record<string, string>) : {};

/** How a finding names an object: where it came from, then kind and namespace/name. */
export function addressOf(object: KubernetesObject): string {
  const where = object.namespace ? `${object.namespace}/${nameOf(object)}` : nameOf(object);
  return `${object.origin} ${kindOf(object)} ${where}`;
}

/** A pod spec and the metadata (labels) of the pods it makes. */
export interface PodTemplate {
  readonly metadata: Json;
  readonly spec: Json;
}

const WORKLOAD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

function at(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

/** The pod template of a Pod or any workload kind; undefined for everything else. */
export function podTemplateOf(object: KubernetesObject): PodTemplate | undefined {
  const kind = kindOf(object);
  if (kind === "Pod") {
    return isObject(object.manifest.spec) ? { metadata: isObject(object.manifest.metadata) ? object.manifest.metadata : {}, spec: object.manifest.spec } : undefined;
  }
  const path = WORKLOAD_TEMPLATE_PATHS[kind];
  if (!path) return undefined;
  const template = at(object.manifest, path);
  if (!isObject(template) || !isObject(template.spec)) return undefined;
  return { metadata: isObject(template.metadata) ? template.metadata : {}, spec: template.spec };
}

export interface ContainerRef {
  /** `containers[0]`, `initContainers[1]` ... */
  readonly field: string;
  readonly name: string;
  readonly container: Json;
}

/** Every container of a pod spec: regular, init and ephemeral. */
export function containersOf(spec: Json): ContainerRef[] {
  const result: ContainerRef[] = [];
  for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, i) => {
      if (isObject(container)) result.push({ field: `${field}[${i}]`, name: String(container.name ?? i), container });
    });
  }
  return result;
}

/** Every object with a pod template, with its template. */
export function podBearing(objects: readonly KubernetesObject[]): { object: KubernetesObject; pod: PodTemplate }[] {
  return objects.flatMap((object) => {
    const pod = podTemplateOf(object);
    return pod ? [{ object, pod }] : [];
  });
}

/**
 * Whether a label selector (`matchLabels` and `matchExpressions`) selects pods with these labels.
 * An empty selector selects every pod, as Kubernetes reads it for NetworkPolicy podSelector.
 */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isObject) : [];
  for (const expression of expressions) {
    const key = String(expression.key);
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const has = key in labels;
    switch (expression.operator) {
      case "In":
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// ---- Translation of a stack's kubernetes_* resources -------------------------------------------------

/** Terraform resource types that are not an object of their own kind. */
const NOT_OBJECTS = new Set(["labels", "annotations", "env", "node_taint", "token_request_v1", "certificate_signing_request_v1", "certificate_signing_request"]);

/** Types whose names do not map to the kind by casing alone. */
const KIND_ALIASES: Record<string, string> = { daemonset: "DaemonSet", config_map_v1_data: "ConfigMap", default_service_account: "ServiceAccount" };

/** Map-valued fields whose keys are data (label keys, resource names), never field names. */
const MAP_FIELDS = new Set([
  "labels", "annotations", "data", "binary_data", "string_data", "match_labels", "node_selector", "hard",
  "limits", "requests", "default", "default_request", "max", "min", "max_limit_request_ratio", "parameters", "capacity",
]);

/** Repeated Terraform blocks (singular names) and the Kubernetes list fields they become. */
const LIST_FIELDS: Record<string, string> = {
  container: "containers", init_container: "initContainers", ephemeral_container: "ephemeralContainers",
  volume: "volumes", volume_mount: "volumeMounts", port: "ports", toleration: "tolerations",
  topology_spread_constraint: "topologySpreadConstraints", image_pull_secrets: "imagePullSecrets", env_from: "envFrom",
  rule: "rules", subject: "subjects", limit: "limits", ingress: "ingress", egress: "egress", from: "from", to: "to",
  match_expressions: "matchExpressions", match_expression: "matchExpressions", policy_types: "policyTypes", non_resource_urls: "nonResourceURLs",
};

/** Blocks Kubernetes has at most one of, which Terraform JSON may still write as a one-element list. */
const SINGLE_BLOCKS = new Set([
  "metadata", "spec", "template", "job_template", "security_context", "capabilities", "seccomp_profile", "selector",
  "pod_selector", "namespace_selector", "strategy", "role_ref", "resources", "host_path", "ip_block", "se_linux_options",
]);

const camel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The Kubernetes kind a provider resource type manages, e.g. `kubernetes_resource_quota_v1` -> `ResourceQuota`. */
export function kindOfResourceType(type: string): string | undefined {
  if (!type.startsWith("kubernetes_") || type === "kubernetes_manifest") return undefined;
  const base = type.slice("kubernetes_".length);
  if (NOT_OBJECTS.has(base)) return undefined;
  const alias = KIND_ALIASES[base] ?? KIND_ALIASES[base.replace(/_v\d+$/, "")];
  if (alias) return alias;
  return base
    .replace(/_v\d+$/, "")
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

function translate(value: unknown, key?: string): unknown {
  if (key !== undefined && MAP_FIELDS.has(key) && isObject(value)) return value;
  // A Service's selector is a plain label map; a workload's is a block with match_labels.
  if (key === "selector" && isObject(value) && Object.values(value).every((v) => typeof v === "string")) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => translate(item));
    if (key !== undefined && SINGLE_BLOCKS.has(key) && items.length === 1 && isObject(items[0])) return items[0];
    return items;
  }
  if (!isObject(value)) return value;
  const result: Json = {};
  for (const [inner, innerValue] of Object.entries(value)) {
    if (inner === "//" || inner === "provider" || inner === "depends_on" || inner === "lifecycle" || inner === "count" || inner === "for_each") continue;
    const name = LIST_FIELDS[inner] ?? camel(inner);
    const translated = translate(innerValue, inner);
    result[name] = LIST_FIELDS[inner] && !Array.isArray(translated) && translated !== undefined ? [translated] : translated;
  }
  return result;
}

/**
 * Every Kubernetes object a stack creates directly: `kubernetes_manifest` as written, and the typed
 * `kubernetes_*` resources translated to manifest shape (camelCase fields, plural lists).
 */
export function stackKubernetesObjects(stack: SynthesizedStack): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const block of blocks(stack)) {
    if (!block.type.startsWith("kubernetes_")) continue;
    let manifest: Json | undefined;
    if (block.type === "kubernetes_manifest") {
      manifest = isObject(block.body.manifest) ? block.body.manifest : undefined;
    } else {
      const kind = kindOfResourceType(block.type);
      if (kind) manifest = { kind, ...(translate(block.body) as Json) };
    }
    if (!manifest) continue;
    const metadata = isObject(manifest.metadata) ? manifest.metadata : {};
    const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
    objects.push({ origin: block.address, ...(namespace ? { namespace } : {}), manifest });
  }
  return objects;
}
