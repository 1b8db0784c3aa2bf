import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { Construct } from "constructs";

/** The managed policies EKS Auto Mode needs on the cluster role (AWS EKS User Guide, "Auto Mode cluster IAM role"). */
export const CLUSTER_ROLE_POLICIES = [
  "AmazonEKSClusterPolicy",
  "AmazonEKSComputePolicy",
  "AmazonEKSBlockStoragePolicy",
  "AmazonEKSLoadBalancingPolicy",
  "AmazonEKSNetworkingPolicy",
] as const;

/** The managed policies Auto Mode nodes need ("Auto Mode node IAM role"). */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;

/** An IAM policy `Condition` block: operator -> context key -> value(s). */
export type PolicyCondition = Record<string, Record<string, string | readonly string[]>>;

export function assumeRolePolicy(service: string, actions: readonly string[], condition?: PolicyCondition): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions, ...(condition ? { Condition: condition } : {}) }],
  });
}

/**
 * Who and where Terraform runs: the partition every ARN is built from, the account, and the IAM principal
 * behind the caller's session. All three are data sources read at plan time; the offline plan substitutes
 * stand-ins for the two that need AWS credentials (`plan/prepare.ts`).
 */
export class CallerContext extends Construct {
  readonly partition: DataAwsPartition;
  readonly identity: DataAwsCallerIdentity;
  readonly session: DataAwsIamSessionContext;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.partition = new DataAwsPartition(this, "partition");
    this.identity = new DataAwsCallerIdentity(this, "identity");
    // For an assumed role, the caller ARN is an STS session (arn:...:assumed-role/<role>/<session>), which
    // cannot hold an access entry; issuer_arn is the role itself (and a user's ARN passes through unchanged).
    this.session = new DataAwsIamSessionContext(this, "session", { arn: this.identity.arn });
  }

  get accountId(): string {
    return this.identity.accountId;
  }

  /** The principal that runs this apply, as an IAM role or user ARN. */
  get principalArn(): string {
    return this.session.issuerArn;
  }

  arn(service: string, region: string, resource: string): string {
    return `arn:${this.partition.partition}:${service}:${region}:${this.accountId}:${resource}`;
  }
}

/**
 * Trust conditions, each only where the service's own documentation shows it; a condition the service
 * does not satisfy leaves the role unassumable, and the cluster never comes up.
 */
export const trustConditions = {
  /**
   * eks.amazonaws.com: AWS EKS User Guide, "Cross-service confused deputy prevention in Amazon EKS", section
   * "Amazon EKS cluster role cross-service confused deputy prevention": ArnLike aws:SourceArn on the cluster's
   * ARN and StringEquals aws:SourceAccount. The ARN is built from the name: the role must exist before the cluster.
   */
  eksCluster: (caller: CallerContext, region: string, clusterName: string): PolicyCondition => ({
    ArnLike: { "aws:SourceArn": caller.arn("eks", region, `cluster/${clusterName}`) },
    StringEquals: { "aws:SourceAccount": caller.accountId },
  }),
  /**
   * pods.eks.amazonaws.com: AWS EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity"
   * documents the session tags Pod Identity sends (eks-cluster-name, kubernetes-namespace,
   * kubernetes-service-account, ...) as the keys to restrict on; it documents no aws:SourceAccount/SourceArn.
   */
  podIdentity: (clusterName: string, namespace: string, serviceAccount: string): PolicyCondition => ({
    StringEquals: {
      "aws:RequestTag/eks-cluster-name": clusterName,
      "aws:RequestTag/kubernetes-namespace": namespace,
      "aws:RequestTag/kubernetes-service-account": serviceAccount,
    },
  }),
  /**
   * vpc-flow-logs.amazonaws.com: AWS VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs"
   * (confused deputy prevention): StringEquals aws:SourceAccount, ArnLike aws:SourceArn on the account's flow logs.
   */
  vpcFlowLogs: (caller: CallerContext, region: string): PolicyCondition => ({
    StringEquals: { "aws:SourceAccount": caller.accountId },
    ArnLike: { "aws:SourceArn": caller.arn("ec2", region, "vpc-flow-log/*") },
  }),
  // ec2.amazonaws.com (the node role): EC2 documents no aws:SourceArn/SourceAccount for instance-profile roles,
  // so that trust policy stays unconditioned.
} as const;

/** Terraform would read `${...}` as its own interpolation; `$${` writes a literal `${` for IAM. */
const iamVariable = (name: string) => `$\${${name}}`;

/**
 * What the cluster role needs beyond the managed policies so that Auto Mode may put user tags (a NodeClass's
 * `spec.tags`, IngressClassParams tags, the provider's default tags) on what it creates. AWS EKS User Guide,
 * "Amazon EKS Auto Mode cluster IAM role", section "Custom AWS tags for EKS Auto resources"; the statements
 * and conditions follow terraform-aws-eks v21.19.0 (`enable_auto_mode_custom_tags`, main.tf `data
 * "aws_iam_policy_document" "custom"`), except the CNI node-name test, which is StringLike as in the AWS
 * reference policy and AmazonEKSNetworkingPolicy (terraform-aws-eks PR #3745). Each is scoped, as AWS
 * scopes the managed policies, to requests tagged with the cluster this role's session is for.
 */
export function autoModeCustomTagsPolicy(partition: string): string {
  const sameCluster = { "aws:RequestTag/eks:eks-cluster-name": iamVariable("aws:PrincipalTag/eks:eks-cluster-name") };
  const statement = (Sid: string, Action: string[], Resource: string | string[], Condition: PolicyCondition) => ({
    Sid,
    Effect: "Allow",
    Action,
    Resource,
    Condition,
  });
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      statement("Compute", ["ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateLaunchTemplate"], "*", {
        StringEquals: sameCluster,
        StringLike: { "aws:RequestTag/eks:kubernetes-node-class-name": "*", "aws:RequestTag/eks:kubernetes-node-pool-name": "*" },
      }),
      statement("Storage", ["ec2:CreateVolume", "ec2:CreateSnapshot"], [`arn:${partition}:ec2:*:*:volume/*`, `arn:${partition}:ec2:*:*:snapshot/*`], {
        StringEquals: sameCluster,
      }),
      statement("Networking", ["ec2:CreateNetworkInterface"], "*", {
        StringEquals: sameCluster,
        StringLike: { "aws:RequestTag/eks:kubernetes-cni-node-name": "*" },
      }),
      statement(
        "LoadBalancer",
        [
          "elasticloadbalancing:CreateLoadBalancer",
          "elasticloadbalancing:CreateTargetGroup",
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:CreateRule",
          "ec2:CreateSecurityGroup",
        ],
        "*",
        { StringEquals: sameCluster },
      ),
      statement("ShieldProtection", ["shield:CreateProtection"], "*", { StringEquals: sameCluster }),
      statement("ShieldTagResource", ["shield:TagResource"], `arn:${partition}:shield::*:protection/*`, { StringEquals: sameCluster }),
    ],
  });
}

export interface ServiceRoleProps {
  readonly name: string;
  readonly description: string;
  readonly service: string;
  readonly actions: readonly string[];
  readonly managedPolicies: readonly string[];
  readonly partition: DataAwsPartition;
  /** Narrows who may assume the role through the service (see `trustConditions`). */
  readonly trustCondition?: PolicyCondition;
}

/**
 * A role assumed by one AWS service, holding exactly the listed AWS-managed policies: any policy
 * attached outside Terraform is detached on the next apply.
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly attachments: IamRolePolicyAttachmentsExclusive;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: assumeRolePolicy(props.service, props.actions, props.trustCondition),
    });
    this.attachments = new IamRolePolicyAttachmentsExclusive(this, "policies", {
      roleName: this.role.name,
      policyArns: props.managedPolicies.map((policy) => `arn:${props.partition.partition}:iam::aws:policy/${policy}`),
    });
  }
}

export interface ClusterIamProps {
  readonly clusterName: string;
  readonly clusterRoleName: string;
  readonly nodeRoleName: string;
  readonly region: string;
  readonly caller: CallerContext;
}

/** The two roles of an Auto Mode cluster. The node role must not be the cluster role. */
export class ClusterIam extends Construct {
  readonly clusterRole: ServiceRole;
  readonly customTags: IamRolePolicy;
  readonly nodeRole: ServiceRole;

  constructor(scope: Construct, id: string, props: ClusterIamProps) {
    super(scope, id);
    const partition = props.caller.partition;
    this.clusterRole = new ServiceRole(this, "cluster", {
      name: props.clusterRoleName,
      description: "EKS Auto Mode cluster role: manages compute, block storage, load balancing and networking",
      service: "eks.amazonaws.com",
      // TagSession lets EKS pass session tags, which Auto Mode needs for its managed capabilities.
      actions: ["sts:AssumeRole", "sts:TagSession"],
      managedPolicies: CLUSTER_ROLE_POLICIES,
      partition,
      trustCondition: trustConditions.eksCluster(props.caller, props.region, props.clusterName),
    });
    // Inline, so it lives and dies with the role and the exclusive attachments above stay AWS-managed only.
    this.customTags = new IamRolePolicy(this, "cluster-custom-tags", {
      name: "auto-mode-custom-tags",
      role: this.clusterRole.role.id,
      policy: autoModeCustomTagsPolicy(partition.partition),
    });
    this.nodeRole = new ServiceRole(this, "node", {
      name: props.nodeRoleName,
      description: "EKS Auto Mode node role: joins nodes to the cluster and pulls images",
      service: "ec2.amazonaws.com",
      actions: ["sts:AssumeRole"],
      managedPolicies: NODE_ROLE_POLICIES,
      partition,
    });
  }

  /** What must exist before the cluster: both roles' managed policies and the custom-tags policy. */
  get clusterDependencies() {
    return [this.clusterRole.attachments, this.customTags, this.nodeRole.attachments];
  }
}
