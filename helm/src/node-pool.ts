/**
 * The deployment's own Auto Mode capacity: an `eks.amazonaws.com/v1` NodeClass that tags every node
 * and its volumes with the deployment's tags (so the budget, which filters on the `deployment` tag,
 * sees them), and a `karpenter.sh/v1` NodePool on it for tenants and the platform's workloads.
 *
 * Created with `kubernetes_manifest`, not a local chart: Auto Mode serves both CRDs as soon as the
 * cluster exists, and this stack is only planned against an existing cluster (it looks the cluster up
 * by name, and its helm releases need the API too), so the provider can read the CRD schemas at plan
 * time; the plan then shows field-level diffs of the two objects, and there is no template layer to
 * keep in step with them.
 */
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { Problem } from "@gpp/deployment";
import { TerraformIterator, type IResolvable } from "cdktf";
import { Construct } from "constructs";

/** The NodePool (and NodeClass) every tenant and platform workload selects by name. */
export const WORKLOADS_NODE_POOL = "workloads";

/** The label Karpenter puts on every node of a pool: what a nodeSelector names to land on it. */
export const NODE_POOL_LABEL = "karpenter.sh/nodepool";

/** A nodeSelector for pods that must run on the deployment's own (tagged) nodes. */
export const workloadsNodeSelector = (): Record<string, string> => ({ [NODE_POOL_LABEL]: WORKLOADS_NODE_POOL });

/**
 * Karpenter tries pools by descending weight (1-100); the built-in pools have none. With a weight, a
 * pod that selects no pool still lands here when this pool can take it.
 */
export const WORKLOADS_NODE_POOL_WEIGHT = 50;

/**
 * Root volume size of every node; the NodeClass default the EKS User Guide ("Create a Node Class for
 * Amazon EKS", Node Class Specification) documents, written out so `pnpm cost` reads it from the stack.
 */
export const NODE_EPHEMERAL_STORAGE = "80Gi";

/**
 * Node lifetime and drain bound. Auto Mode replaces nodes after at most 21 days ("Amazon EKS Auto
 * Mode", Security; nodes past it are terminated) and, when a NodePool sets no terminationGracePeriod,
 * applies 24h to its NodeClaims ("Create a Node Pool for EKS Auto Mode", Termination Grace Period).
 * Expiring at 14 days (Auto Mode's default) with a 24h drain window leaves every node replaced by day
 * 15: the forced 21-day termination never happens. A drain evicts through the Eviction API, which
 * honours the tenants' PodDisruptionBudgets; only a drain blocked for the whole 24h is forced
 * (terminationGracePeriod "bypasses any blocked PDBs", karpenter.sh_nodepools.yaml at v1.14.1).
 */
export const NODE_EXPIRE_AFTER = "336h";
export const NODE_TERMINATION_GRACE_PERIOD = "24h";

/**
 * Tag keys a NodeClass may not carry, or that EKS sets itself on what Auto Mode launches. No CRD of
 * `eks.amazonaws.com/v1` NodeClass is published; these are the keys Karpenter's EC2NodeClass refuses
 * (`spec.tags` validations in karpenter.k8s.aws_ec2nodeclasses.yaml at aws/karpenter-provider-aws
 * v1.14.1: eks:eks-cluster-name, kubernetes.io/cluster*, karpenter.sh/nodepool, karpenter.sh/nodeclaim,
 * karpenter.k8s.aws/ec2nodeclass) and the `eks:` tags the EKS User Guide's custom-tag policy expects
 * Auto Mode to set (eks:eks-cluster-name, eks:kubernetes-node-class-name, eks:kubernetes-node-pool-name).
 */
const RESERVED_TAG_KEY = /^(eks:|kubernetes\.io\/cluster|karpenter\.sh\/(nodepool|nodeclaim)$|karpenter\.k8s\.aws\/ec2nodeclass$)/;

/** Tags the NodeClass would refuse or that would fight EKS's own, each named as the descriptor field `tags.<key>`. */
export function nodeClassTagProblems(tags: Readonly<Record<string, string>>): Problem[] {
  return Object.keys(tags)
    .filter((key) => RESERVED_TAG_KEY.test(key))
    .map((key) => ({
      field: `tags.${key}`,
      message: "is reserved on what EKS Auto Mode launches (eks:*, kubernetes.io/cluster*, karpenter.sh/nodepool|nodeclaim, karpenter.k8s.aws/ec2nodeclass)",
    }));
}

export interface CapacityLimits {
  /** Whole CPUs, across every node of the pool. */
  readonly cpu: number;
  /** GiB, across every node of the pool. */
  readonly memoryGi: number;
}

export interface NodeClassInput {
  readonly name: string;
  /** Name (not ARN) of the node IAM role; the NodeClass takes the role's name. */
  readonly nodeRoleName: string;
  /** The cluster's own subnets (a list token from `data aws_eks_cluster`). */
  readonly subnetIds: string[];
  /** The cluster security group EKS created (from `data aws_eks_cluster`). */
  readonly clusterSecurityGroupId: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The NodeClass manifest: nodes in the cluster's subnets, with its security group, tagged. */
export function nodeClassManifest(input: NodeClassInput): Record<string, unknown> {
  const subnetTerms: IResolvable | { id: string }[] = TerraformIterator.fromList(input.subnetIds).forExpressionForList("{ id = val }");
  return {
    apiVersion: "eks.amazonaws.com/v1",
    kind: "NodeClass",
    metadata: { name: input.name },
    spec: {
      role: input.nodeRoleName,
      subnetSelectorTerms: subnetTerms,
      securityGroupSelectorTerms: [{ id: input.clusterSecurityGroupId }],
      ephemeralStorage: { size: NODE_EPHEMERAL_STORAGE },
      tags: { ...input.tags },
    },
  };
}

export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface NodePoolInput {
  readonly name: string;
  readonly nodeClassName: string;
  readonly limits: CapacityLimits;
  /** Spot first, on-demand when Spot has no capacity; on-demand only when false. */
  readonly spot: boolean;
  /** Karpenter's pool preference; a pool that only its own tenant can use needs none. */
  readonly weight?: number;
  /** Labels on every node of the pool (what a nodeSelector can name besides the pool). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Taints on every node: only pods that tolerate them are scheduled there. */
  readonly taints?: readonly NodeTaint[];
}

/**
 * Values of `karpenter.sh/capacity-type`. With both, Karpenter launches Spot and falls back to on-demand
 * when no Spot offering fits ("Create a Node Pool for EKS Auto Mode": Auto Mode supports the key with
 * `spot` and `on-demand`; Karpenter's NodePool docs: "Karpenter prioritizes Spot").
 */
export const capacityTypes = (spot: boolean): string[] => (spot ? ["spot", "on-demand"] : ["on-demand"]);

/** The NodePool manifest: amd64, on-demand (or Spot first), current c/m/r instances, bounded, drained one node at a time. */
export function nodePoolManifest(input: NodePoolInput): Record<string, unknown> {
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: input.name },
    spec: {
      ...(input.weight === undefined ? {} : { weight: input.weight }),
      template: {
        ...(input.labels ? { metadata: { labels: { ...input.labels } } } : {}),
        spec: {
          nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: input.nodeClassName },
          requirements: [
            // The service's image is built for linux/amd64 only.
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
            // Spot interruptions take pods down at two minutes' notice: only where the descriptor allows
            // it (capacity.spot, default off in prod); the PDBs and zone spread bound what one takes.
            { key: "karpenter.sh/capacity-type", operator: "In", values: capacityTypes(input.spot) },
            // General purpose, compute and memory optimised: what a web service and its ingress use.
            { key: "eks.amazonaws.com/instance-category", operator: "In", values: ["c", "m", "r"] },
            { key: "eks.amazonaws.com/instance-generation", operator: "Gt", values: ["4"] },
          ],
          ...(input.taints ? { taints: input.taints.map((t) => ({ ...t })) } : {}),
          expireAfter: NODE_EXPIRE_AFTER,
          terminationGracePeriod: NODE_TERMINATION_GRACE_PERIOD,
        },
      },
      limits: { cpu: String(input.limits.cpu), memory: `${input.limits.memoryGi}Gi` },
      disruption: {
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        // Waits out short dips, so a KEDA or HPA scale-down does not churn nodes.
        consolidateAfter: "5m",
        // One node at a time for consolidation, emptiness and drift (weekly AMI updates): with the
        // tenants' PDBs (maxUnavailable 1) and zone spread, a drain never takes more than one pod of a
        // release away at once. Expiry is not rate-limited by budgets in Karpenter v1; see above.
        budgets: [{ nodes: "1" }],
      },
    },
  };
}

export interface WorkloadCapacityProps extends NodeClassInput {
  readonly provider: KubernetesProvider;
  readonly limits: CapacityLimits;
  readonly spot: boolean;
}

/**
 * The node role is the cluster's own (compute_config's node role): EKS created its EC2 access entry
 * with the cluster ("Create a Node Class for Amazon EKS": EKS creates an access entry for the node
 * role during cluster creation; a different role would need its own), so this stack creates none.
 */
export class WorkloadCapacity extends Construct {
  readonly nodeClass: Manifest;
  readonly nodePool: Manifest;

  constructor(scope: Construct, id: string, props: WorkloadCapacityProps) {
    super(scope, id);
    this.nodeClass = new Manifest(this, "node-class", { provider: props.provider, manifest: nodeClassManifest(props) });
    this.nodePool = new Manifest(this, "node-pool", {
      provider: props.provider,
      manifest: nodePoolManifest({ name: props.name, nodeClassName: props.name, limits: props.limits, spot: props.spot, weight: WORKLOADS_NODE_POOL_WEIGHT }),
      dependsOn: [this.nodeClass],
    });
  }
}
