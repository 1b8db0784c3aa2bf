import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Fn, TerraformIterator, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { CallerContext } from "./iam";

/** Control-plane log types shipped to CloudWatch: who called the API, what they did, how they authenticated. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator"] as const;

/** Auto Mode's built-in node pools: `system` for critical add-ons, `general-purpose` for workloads. */
export const AUTO_MODE_NODE_POOLS = ["general-purpose", "system"] as const;

/** What the cluster role may do with the secrets key (EKS User Guide, "Encrypt Kubernetes secrets with KMS"). */
export const SECRETS_KEY_USER_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"] as const;

/**
 * Key administration without use (AWS KMS Developer Guide, "Default key policy", "Allows key administrators
 * to administer the KMS key"; the list terraform-aws-kms 4.x writes for `key_administrators`), granted to
 * the account so that IAM policies decide which of its principals administer the key.
 */
export const SECRETS_KEY_ADMIN_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
] as const;

/** The access policy every admin principal gets, by name; its ARN is built in the cluster's partition. */
export const ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy";

export interface ClusterProps {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly clusterRoleArn: string;
  readonly nodeRoleArn: string;
  /** Nodes and the control plane's network interfaces go here: private subnets in 3 AZs. */
  readonly subnetIds: string[];
  /** Networks allowed to reach the public API endpoint; empty turns the public endpoint off. */
  readonly publicAccessCidrs: readonly string[];
  /** Admins besides the principal that applies: each gets one access entry, whoever applies. */
  readonly adminPrincipalArns: readonly string[];
  /** The account, partition and the applying principal (who gets an admin entry too). */
  readonly caller: CallerContext;
  readonly logRetentionDays: number;
  readonly deletionProtection: boolean;
  /** Days KMS waits before deleting the secrets key after the cluster is destroyed. */
  readonly keyDeletionWindowDays: number;
  /** What must exist before the cluster: its roles' policies. */
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
  /** One access entry per admin principal, for_each keyed by ARN. */
  readonly adminEntries: EksAccessEntry;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);

    const partition = props.caller.partition.partition;
    this.secretsKey = new KmsKey(this, "secrets-key", {
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays,
      // Explicit instead of KMS's default (the account may do kms:*): the account administers the key
      // through IAM, and only the cluster role may use it.
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministersKey",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${props.caller.accountId}:root` },
            Action: [...SECRETS_KEY_ADMIN_ACTIONS],
            Resource: "*",
          },
          {
            Sid: "ClusterRoleEncryptsSecrets",
            Effect: "Allow",
            Principal: { AWS: props.clusterRoleArn },
            Action: [...SECRETS_KEY_USER_ACTIONS],
            Resource: "*",
          },
        ],
      }),
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
        // EKS's own creator entry would collide with an explicit one for the same principal
        // (ResourceInUseException); the creator's entry is managed below instead, as terraform-aws-eks v21 does.
        bootstrapClusterCreatorAdminPermissions: false,
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
      // The flag is create-only: hashicorp/aws 5.100 and 6.x mark it ForceNew, so a cluster created with
      // `true` would be replaced. Ignoring it keeps such clusters; their creator entry is imported instead
      // (docs/operations.md, "Cluster access").
      lifecycle: { ignoreChanges: ["access_config[0].bootstrap_cluster_creator_admin_permissions"] },
    });

    // One entry per distinct principal, keyed by its ARN: listing the deploying role as an admin too
    // yields one entry, and a principal keeps its address whoever applies.
    const admins = TerraformIterator.fromList(Fn.distinct(Fn.concat([[props.caller.principalArn], [...props.adminPrincipalArns]])));
    this.adminEntries = new EksAccessEntry(this, "admin", {
      forEach: admins,
      clusterName: this.cluster.name,
      principalArn: admins.value,
      type: "STANDARD",
    });
    const entries = TerraformIterator.fromResources(this.adminEntries);
    new EksAccessPolicyAssociation(this, "admin-policy", {
      forEach: entries,
      clusterName: this.cluster.name,
      principalArn: entries.getString("principal_arn"),
      policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${ADMIN_ACCESS_POLICY}`,
      accessScope: { type: "cluster" },
    });
  }
}
