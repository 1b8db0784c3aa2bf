/**
 * The tenant rules that matter most, enforced in the cluster by Kubernetes' built-in
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in 1.30): `pnpm policy` checks what the
 * stacks and charts would create, nothing there stops a `kubectl apply` in the live cluster.
 *
 * Each policy matches only namespaces labelled `gpp.tenant` (the label every tenant namespace has, and
 * that no tenant can change: tenants get no RBAC on namespaces, K8S-RBAC-003), fails closed
 * (`failurePolicy: Fail`: an expression that errors denies) and has one binding with `Deny`.
 *
 * Pod Security `restricted` (enforced on every tenant namespace) already refuses privileged
 * containers, host namespaces, hostPath and other non-allowed volume types, hostPort, capabilities,
 * privilege escalation, root users and missing seccomp profiles: none of that is repeated here. What
 * it does not cover is: tolerations and node selection (the dedicated pools), `nodeName` (binding a pod
 * to a node directly skips the scheduler, so a NoSchedule taint is never checked), Service types and
 * external IPs, where images come from, service-account tokens and a read-only root filesystem.
 */
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";

export interface CelValidation {
  readonly expression: string;
  readonly message: string;
}

export interface AdmissionPolicyInput {
  /** Label key on tenant namespaces (value: the tenant id), node label and taint key of dedicated pools. */
  readonly tenantLabel: string;
  /** Node label Karpenter sets to the pool's name. */
  readonly nodePoolLabel: string;
  readonly sharedPoolName: string;
  /** A dedicated pool is named `<prefix><tenant id>`. */
  readonly dedicatedPoolPrefix: string;
  /** Image repositories tenants' pods may run (as the chart values name them, e.g. `gradyent/tech-interview`). */
  readonly imageRepositories: readonly string[];
  /** Prod also requires every image pinned by digest (the in-cluster side of K8S-IMG-001). */
  readonly requireDigest: boolean;
}

const celString = (value: string): string => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const celList = (values: readonly string[]): string => `[${values.map(celString).join(", ")}]`;

/**
 * What a repository name is written as in a pod's `image`: as given, and for Docker Hub names (no
 * registry host in the first component) also with `docker.io/` (and `docker.io/library/` for official
 * images), which name the same repository (distribution/reference, normalize.go).
 */
export function imageRepositoryForms(repository: string): string[] {
  const first = repository.split("/")[0] ?? "";
  const hasRegistry = repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return [repository];
  const path = repository.includes("/") ? repository : `library/${repository}`;
  return [...new Set([repository, `docker.io/${path}`, `index.docker.io/${path}`])];
}

/** Every container list of a pod: containers, init containers and ephemeral (`kubectl debug`) containers. */
const ALL_CONTAINERS =
  "object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : []) + (has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : [])";

const PODS = { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods", "pods/ephemeralcontainers"] };
const SERVICES = { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["services"] };

export interface TenantAdmissionPolicy {
  readonly name: string;
  readonly rules: readonly (typeof PODS)[];
  readonly variables: readonly { readonly name: string; readonly expression: string }[];
  readonly validations: readonly CelValidation[];
}

export function tenantAdmissionPolicies(input: AdmissionPolicyInput): TenantAdmissionPolicy[] {
  const tenant = { name: "tenant", expression: `namespaceObject.metadata.labels[${celString(input.tenantLabel)}]` };
  const label = celString(input.tenantLabel);
  const poolLabel = celString(input.nodePoolLabel);
  const allowedPools = `[${celString(input.sharedPoolName)}, ${celString(input.dedicatedPoolPrefix)} + variables.tenant]`;
  const repositories = [...new Set(input.imageRepositories.flatMap(imageRepositoryForms))].sort();
  return [
    {
      name: "gpp-tenant-scheduling",
      rules: [PODS],
      variables: [tenant],
      validations: [
        {
          // An empty key with Exists tolerates every taint; a tenant key with Exists tolerates every tenant's.
          expression: `!has(object.spec.tolerations) || object.spec.tolerations.all(t, has(t.key) && t.key != '' && (t.key != ${label} || ((!has(t.operator) || t.operator == 'Equal') && has(t.value) && t.value == variables.tenant)))`,
          message: `pods in a tenant namespace may tolerate only their own tenant's ${input.tenantLabel} taint, and no toleration without a key`,
        },
        {
          expression: `!has(object.spec.nodeSelector) || ((!(${label} in object.spec.nodeSelector) || object.spec.nodeSelector[${label}] == variables.tenant) && (!(${poolLabel} in object.spec.nodeSelector) || object.spec.nodeSelector[${poolLabel}] in ${allowedPools}))`,
          message: `pods in a tenant namespace may select only the shared pool or their own tenant's nodes`,
        },
        {
          // Node selection by these keys goes through nodeSelector, which the stack sets.
          expression: `!has(object.spec.affinity) || !has(object.spec.affinity.nodeAffinity) || !has(object.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution) || object.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.all(term, (!has(term.matchExpressions) || term.matchExpressions.all(e, !(e.key in [${label}, ${poolLabel}]))) && (!has(term.matchFields) || term.matchFields.all(f, f.key != 'metadata.name')))`,
          message: `pods in a tenant namespace may not pick nodes by ${input.tenantLabel}, ${input.nodePoolLabel} or node name in a required node affinity`,
        },
        {
          // The scheduler binds through pods/binding, not a pod CREATE: only a user sets nodeName at create.
          expression: `request.operation != 'CREATE' || !has(object.spec.nodeName) || object.spec.nodeName == ''`,
          message: "pods in a tenant namespace may not set spec.nodeName (it skips the scheduler and the dedicated pools' taints)",
        },
      ],
    },
    {
      name: "gpp-tenant-services",
      rules: [SERVICES],
      variables: [],
      validations: [
        {
          expression: `!has(object.spec.type) || !(object.spec.type in ['LoadBalancer', 'NodePort'])`,
          message: "Services in a tenant namespace may not be of type LoadBalancer or NodePort: tenants are served through the shared entry point",
        },
        {
          // externalIPs lets a Service intercept traffic to any address (CVE-2020-8554).
          expression: `!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0`,
          message: "Services in a tenant namespace may not set externalIPs",
        },
      ],
    },
    {
      name: "gpp-tenant-images",
      rules: [PODS],
      variables: [{ name: "repositories", expression: celList(repositories) }],
      validations: [
        {
          expression: `(${ALL_CONTAINERS}).all(c, variables.repositories.exists(r, c.image == r || c.image.startsWith(r + ':') || c.image.startsWith(r + '@')))`,
          message: `pods in a tenant namespace may run only images of ${repositories.join(", ")}`,
        },
        ...(input.requireDigest
          ? [{ expression: `(${ALL_CONTAINERS}).all(c, c.image.matches('@sha256:[a-f0-9]{64}$'))`, message: "in prod, every image of a tenant pod is pinned by @sha256 digest" }]
          : []),
      ],
    },
    {
      name: "gpp-tenant-pod-hardening",
      rules: [PODS],
      variables: [],
      validations: [
        {
          expression: "has(object.spec.automountServiceAccountToken) && object.spec.automountServiceAccountToken == false",
          message: "pods in a tenant namespace set automountServiceAccountToken: false (tenants get no Kubernetes API credentials)",
        },
        {
          expression: `(${ALL_CONTAINERS}).all(c, has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)`,
          message: "every container of a tenant pod has a read-only root filesystem",
        },
      ],
    },
  ];
}

/** The policy object, and its binding: only namespaces carrying the tenant label, denied on failure. */
export function admissionPolicyManifests(policy: TenantAdmissionPolicy, tenantLabel: string): { policy: Record<string, unknown>; binding: Record<string, unknown> } {
  const namespaceSelector = { matchExpressions: [{ key: tenantLabel, operator: "Exists" }] };
  return {
    policy: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: policy.name },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { namespaceSelector, resourceRules: policy.rules.map((r) => ({ ...r })) },
        ...(policy.variables.length > 0 ? { variables: policy.variables.map((v) => ({ ...v })) } : {}),
        validations: policy.validations.map((v) => ({ ...v })),
      },
    },
    binding: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: policy.name },
      spec: { policyName: policy.name, validationActions: ["Deny"], matchResources: { namespaceSelector } },
    },
  };
}

export interface TenantAdmissionProps extends AdmissionPolicyInput {
  readonly provider: KubernetesProvider;
}

/** Every tenant admission policy and its binding, as kubernetes_manifest resources. */
export class TenantAdmission extends Construct {
  readonly policies: Manifest[] = [];
  readonly bindings: Manifest[] = [];

  constructor(scope: Construct, id: string, props: TenantAdmissionProps) {
    super(scope, id);
    for (const policy of tenantAdmissionPolicies(props)) {
      const manifests = admissionPolicyManifests(policy, props.tenantLabel);
      const created = new Manifest(this, policy.name, { provider: props.provider, manifest: manifests.policy });
      this.policies.push(created);
      this.bindings.push(new Manifest(this, `${policy.name}-binding`, { provider: props.provider, manifest: manifests.binding, dependsOn: [created] }));
    }
  }
}
