import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** Control-plane log types shipped to CloudWatch: who called the API, what they did, how they authenticated. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator"] as const;

/** Auto Mode's built-in node pools: `system` for critical add-ons, `general-purpose` for workloads. */
export const AUTO_MODE_NODE_POOLS = ["general-purpose", "system"] as const;

export interface ClusterProps {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly clusterRoleArn: string;
  readonly nodeRoleArn: string;
  /** Nodes and the control plane's network interfaces go here: private subnets in 3 AZs. */
  readonly subnetIds: string[];
  /** Networks allowed to reach the public API endpoint; empty turns the public endpoint off. */
  readonly publicAccessCidrs: readonly string[];
  readonly adminPrincipalArns: readonly string[];
  readonly logRetentionDays: number;
  readonly deletionProtection: boolean;
  /** Days KMS waits before deleting the secrets key after the cluster is destroyed. */
  readonly keyDeletionWindowDays: number;
  /** What must exist before the cluster: its roles' policy attachments. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * An EKS cluster in Auto Mode: AWS runs compute, load balancing and block storage; Kubernetes secrets are
 * envelope-encrypted with a customer-managed key; the API endpoint is private plus an allowlisted public one.
 */
export class Cluster extends Construct {
  readonly cluster: EksCluster;
  readonly secretsKey: KmsKey;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);

    this.secretsKey = new KmsKey(this, "secrets-key", {
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays,
    });
    new KmsAlias(this, "secrets-key-alias", {
      name: `alias/${props.name}-secrets`,
      targetKeyId: this.secretsKey.keyId,
    });

    // EKS writes to this exact name; creating it first lets Terraform own its retention
    // (EKS would otherwise create it with logs kept forever).
    this.logGroup = new CloudwatchLogGroup(this, "control-plane-logs", {
      name: `/aws/eks/${props.name}/cluster`,
      retentionInDays: props.logRetentionDays,
    });

    const publicEndpoint = props.publicAccessCidrs.length > 0;
    this.cluster = new EksCluster(this, "cluster", {
      name: props.name,
      version: props.kubernetesVersion,
      roleArn: props.clusterRoleArn,
      // Auto Mode manages the VPC CNI, CoreDNS and kube-proxy itself; changing this replaces the cluster.
      bootstrapSelfManagedAddons: false,
      accessConfig: {
        authenticationMode: "API",
        bootstrapClusterCreatorAdminPermissions: true,
      },
      computeConfig: {
        enabled: true,
        nodePools: [...AUTO_MODE_NODE_POOLS],
        nodeRoleArn: props.nodeRoleArn,
      },
      kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
      storageConfig: { blockStorage: { enabled: true } },
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicEndpoint,
        ...(publicEndpoint ? { publicAccessCidrs: [...props.publicAccessCidrs] } : {}),
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.secretsKey.arn } },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      // Lets operators (or ARC autoshift) move traffic away from an impaired AZ.
      zonalShiftConfig: { enabled: true },
      deletionProtection: props.deletionProtection,
      // Standard support only: extended support costs six times as much per cluster hour.
      upgradePolicy: { supportType: "STANDARD" },
      dependsOn: [this.logGroup, ...props.dependsOn],
    });

    props.adminPrincipalArns.forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `admin-${i}`, {
        clusterName: this.cluster.name,
        principalArn,
        type: "STANDARD",
      });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      });
    });
  }
}
