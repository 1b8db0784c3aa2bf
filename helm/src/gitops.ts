/**
 * Tenant delivery by Argo CD: ONE ApplicationSet whose list generator holds every tenant of the
 * descriptor, an AppProject that confines what those Applications may do, and the Terraform resource
 * that applies both (a release of the in-repo `charts/manifests`). Adding tenant N+1 changes this one
 * release, whatever N is.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { rolloutGroupOrder, type Deployment, type GitOps } from "@gpp/deployment";
import { AssetType, TerraformAsset, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { CHART_DIR, type Values } from "./chart-values";
import { ARGOCD_NAMESPACE } from "./argocd";
import { TENANT_LABEL } from "./isolation";
import type { TenantLimits, TenantQuota } from "./tenant";
import { tenantGuardManifests, tenantNamespaceLabels, type Manifest } from "./tenant-namespace";
import { RELEASE_POLICY } from "./release-policy";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The raw-manifest chart: applies the objects in its `objects` value as given. */
export const MANIFESTS_CHART_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../charts/manifests");
/** Where Argo CD finds the charts in the project's repository (`gitops.repo_url` at `gitops.revision`). */
export const SERVICE_CHART_REPO_PATH = path.relative(REPO_ROOT, CHART_DIR);
export const MANIFESTS_CHART_REPO_PATH = path.relative(REPO_ROOT, MANIFESTS_CHART_DIR);

/** The cluster Argo CD runs in (Argo CD's `in-cluster` destination). */
export const IN_CLUSTER = "https://kubernetes.default.svc";
export const TENANT_PROJECT = "tenants";
export const TENANT_APPLICATION_SET = "tenants";
/** Label on each generated Application that the RollingSync steps select on. */
export const ROLLOUT_GROUP_LABEL = "gpp.rollout-group";

/**
 * Kinds a tenant Application may create in its namespace: what charts/tech-interview renders
 * (helm/test/gitops.test.ts holds this list equal to `helm template` output) plus the quota and limit
 * range. Nothing else: no Role, RoleBinding, Secret or webhook.
 */
export const TENANT_NAMESPACED_KINDS: readonly { group: string; kind: string }[] = [
  { group: "", kind: "ResourceQuota" },
  { group: "", kind: "LimitRange" },
  { group: "", kind: "ServiceAccount" },
  { group: "", kind: "Service" },
  { group: "apps", kind: "Deployment" },
  { group: "autoscaling", kind: "HorizontalPodAutoscaler" },
  { group: "keda.sh", kind: "ScaledObject" },
  { group: "networking.k8s.io", kind: "Ingress" },
  { group: "networking.k8s.io", kind: "NetworkPolicy" },
  { group: "policy", kind: "PodDisruptionBudget" },
];

/**
 * Retries of a failed sync: 5 attempts, 30 s doubling to at most 10 min (Application
 * `spec.syncPolicy.retry`; durations are Go durations).
 */
export const SYNC_RETRY = { limit: 5, backoff: { duration: "30s", factor: 2, maxDuration: "10m" } } as const;

/** One tenant as Argo CD delivers it. */
export interface DeliveredTenant {
  readonly id: string;
  readonly namespace: string;
  readonly rolloutGroup: string;
  /** `tenantChartValues` of the tenant: the same values the terraform mode's helm_release carries. */
  readonly values: Values;
  readonly quota: TenantQuota;
}

/**
 * A list generator element: only strings, so every template field takes it as it is, and only what
 * differs between tenants: the ApplicationSet is one object, and etcd refuses one above 1.5 MiB
 * (its default `--max-request-bytes`), which bounds how many tenants it can hold
 * (docs/scaling.md). The quota and limit range are a template string with the quota filled in.
 */
export type TenantElement = Record<
  "tenant" | "namespace" | "rolloutGroup" | "chartValues" | "quotaPods" | "quotaRequestsCpu" | "quotaRequestsMemory" | "quotaLimitsCpu" | "quotaLimitsMemory",
  string
>;

/** Quota and limit range go first: pods are admitted against them (Argo CD sync waves). */
const BEFORE_WORKLOADS = { "argocd.argoproj.io/sync-wave": "-1" };

export function tenantElement(tenant: DeliveredTenant): TenantElement {
  return {
    tenant: tenant.id,
    namespace: tenant.namespace,
    rolloutGroup: tenant.rolloutGroup,
    // JSON is YAML: Argo CD passes `helm.values` to helm as a values file.
    chartValues: JSON.stringify(tenant.values),
    quotaPods: String(tenant.quota.pods),
    quotaRequestsCpu: tenant.quota.requests.cpu,
    quotaRequestsMemory: tenant.quota.requests.memory,
    quotaLimitsCpu: tenant.quota.limits.cpu,
    quotaLimitsMemory: tenant.quota.limits.memory,
  };
}

/** Go template reference to a list element's key (ApplicationSet `goTemplate: true`). */
const param = (key: keyof TenantElement): string => `{{ .${key} }}`;

/**
 * The values of the guards source: `tenantGuardManifests` with the element's keys in place of the
 * tenant's id, namespace and quota. Safe as a JSON text template: every value substituted is a DNS
 * label or a Kubernetes quantity, none holds a quote or backslash.
 */
export function guardValuesTemplate(limits: TenantLimits): string {
  const quota = {
    pods: param("quotaPods"),
    requests: { cpu: param("quotaRequestsCpu"), memory: param("quotaRequestsMemory") },
    limits: { cpu: param("quotaLimitsCpu"), memory: param("quotaLimitsMemory") },
  } as unknown as TenantQuota;
  const guards = tenantGuardManifests(param("tenant"), param("namespace"), quota, limits).map((m) => ({
    ...m,
    metadata: { ...m.metadata, annotations: BEFORE_WORKLOADS },
  }));
  return JSON.stringify({ objects: guards });
}

export function tenantApplicationSet(gitops: GitOps, tenants: readonly DeliveredTenant[], limits: TenantLimits, kubernetesVersion: string): Manifest {
  const source = (repoPath: string, releaseName: string, values: string) => ({
    repoURL: gitops.repo_url,
    targetRevision: gitops.revision,
    path: repoPath,
    // The release name of terraform mode's helm_release, so both modes render identical names.
    helm: { releaseName, values },
  });
  const steps = rolloutGroupOrder(tenants.map((t) => ({ rollout_group: t.rolloutGroup }))).map((group) => ({
    matchExpressions: [{ key: ROLLOUT_GROUP_LABEL, operator: "In", values: [group] }],
  }));
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: TENANT_APPLICATION_SET, namespace: ARGOCD_NAMESPACE },
    spec: {
      goTemplate: true,
      // A key the template names but an element lacks fails the generation instead of rendering "<no value>".
      goTemplateOptions: ["missingkey=error"],
      generators: [{ list: { elements: tenants.map(tenantElement) } }],
      // Group by group: the controller syncs a step's Applications and waits until all are Healthy
      // before the next (Progressive-Syncs.md, v3.4.4). It then drives every sync itself and turns
      // the Applications' automated sync off (same document); prune and retry still apply to its syncs.
      strategy: { type: "RollingSync", rollingSync: { steps } },
      // Removing a tenant from the list deletes its Application and, through the resources
      // finalizer the controller then adds, everything the Application created.
      syncPolicy: { preserveResourcesOnDeletion: false },
      template: {
        metadata: {
          name: param("namespace"),
          labels: { [TENANT_LABEL]: param("tenant"), [ROLLOUT_GROUP_LABEL]: param("rolloutGroup"), "app.kubernetes.io/part-of": "tenants" },
        },
        spec: {
          project: TENANT_PROJECT,
          sources: [
            source(SERVICE_CHART_REPO_PATH, param("tenant"), param("chartValues")),
            source(MANIFESTS_CHART_REPO_PATH, `${param("tenant")}-guards`, guardValuesTemplate(limits)),
          ],
          destination: { server: IN_CLUSTER, namespace: param("namespace") },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // Server-side apply: adopting objects another manager (Terraform's helm releases) wrote
            // keeps their fields instead of fighting over them (docs/operations.md, the mode switch).
            syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
            managedNamespaceMetadata: { labels: tenantNamespaceLabels(param("tenant"), kubernetesVersion) },
            retry: SYNC_RETRY,
          },
        },
      },
    },
  };
}

/** Confines the tenant Applications: their own namespaces, this repository, namespaced kinds only. */
export function tenantAppProject(gitops: GitOps, deployment: Pick<Deployment, "deployment_id">, tenants: readonly DeliveredTenant[]): Manifest {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: TENANT_PROJECT, namespace: ARGOCD_NAMESPACE },
    spec: {
      description: `Tenants of deployment ${deployment.deployment_id}: one Application each, from ${gitops.repo_url} only, into its own namespace only.`,
      sourceRepos: [gitops.repo_url],
      destinations: tenants.map((t) => ({ server: IN_CLUSTER, namespace: t.namespace })),
      // Cluster-scoped: only the tenant's own Namespace (CreateNamespace).
      clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
      namespaceResourceWhitelist: TENANT_NAMESPACED_KINDS.map((k) => ({ ...k })),
    },
  };
}

export interface TenantDeliveryProps {
  readonly helmProvider: HelmProvider;
  readonly deployment: Deployment & { readonly gitops: GitOps };
  readonly tenants: readonly DeliveredTenant[];
  readonly limits: TenantLimits;
  readonly dependsOn?: ITerraformDependable[];
}

/** The release that applies the AppProject and the ApplicationSet. */
export const TENANT_DELIVERY_RELEASE = "tenant-delivery";

/**
 * The ApplicationSet a synthesized helm stack applies through its tenant-delivery release, or undefined
 * when the stack delivers tenants itself (terraform mode): for the tools that read synthesized stacks.
 */
export function deliveredApplicationSet(stack: Record<string, unknown>): Manifest | undefined {
  const releases = Object.values(((stack.resource as Record<string, Record<string, Record<string, unknown>>> | undefined) ?? {}).helm_release ?? {});
  const delivery = releases.find((release) => release.name === TENANT_DELIVERY_RELEASE);
  if (!delivery) return undefined;
  const { objects } = JSON.parse(((delivery.values as string[] | undefined) ?? ["{}"])[0] ?? "{}") as { objects?: Manifest[] };
  return (objects ?? []).find((object) => object.kind === "ApplicationSet");
}

/** The AppProject and the ApplicationSet, applied as one helm release: one Terraform resource for all tenants. */
export class TenantDelivery extends Construct {
  readonly project: Manifest;
  readonly applicationSet: Manifest;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: TenantDeliveryProps) {
    super(scope, id);
    const { gitops, cluster } = props.deployment;
    this.project = tenantAppProject(gitops, props.deployment, props.tenants);
    this.applicationSet = tenantApplicationSet(gitops, props.tenants, props.limits, cluster.kubernetes_version);
    // A release of a local chart, not kubernetes_manifest: that resource needs the CRDs at plan
    // time, which do not exist before the first apply installs Argo CD.
    const chart = new TerraformAsset(this, "manifests-chart", { path: MANIFESTS_CHART_DIR, type: AssetType.DIRECTORY });
    this.release = new Release(this, "release", {
      provider: props.helmProvider,
      name: TENANT_DELIVERY_RELEASE,
      namespace: ARGOCD_NAMESPACE,
      chart: chart.path,
      values: [JSON.stringify({ objects: [this.project, this.applicationSet] })],
      ...RELEASE_POLICY,
      timeout: 300,
      dependsOn: props.dependsOn,
    });
  }
}
