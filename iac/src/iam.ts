import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
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

export function assumeRolePolicy(service: string, actions: readonly string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
  });
}

export interface ServiceRoleProps {
  readonly name: string;
  readonly description: string;
  readonly service: string;
  readonly actions: readonly string[];
  readonly managedPolicies: readonly string[];
  readonly partition: DataAwsPartition;
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
      assumeRolePolicy: assumeRolePolicy(props.service, props.actions),
    });
    this.attachments = new IamRolePolicyAttachmentsExclusive(this, "policies", {
      roleName: this.role.name,
      policyArns: props.managedPolicies.map((policy) => `arn:${props.partition.partition}:iam::aws:policy/${policy}`),
    });
  }
}

export interface ClusterIamProps {
  readonly clusterRoleName: string;
  readonly nodeRoleName: string;
}

/** The two roles of an Auto Mode cluster. The node role must not be the cluster role. */
export class ClusterIam extends Construct {
  readonly partition: DataAwsPartition;
  readonly clusterRole: ServiceRole;
  readonly nodeRole: ServiceRole;

  constructor(scope: Construct, id: string, props: ClusterIamProps) {
    super(scope, id);
    this.partition = new DataAwsPartition(this, "partition");
    this.clusterRole = new ServiceRole(this, "cluster", {
      name: props.clusterRoleName,
      description: "EKS Auto Mode cluster role: manages compute, block storage, load balancing and networking",
      service: "eks.amazonaws.com",
      // TagSession lets EKS pass session tags, which Auto Mode needs for its managed capabilities.
      actions: ["sts:AssumeRole", "sts:TagSession"],
      managedPolicies: CLUSTER_ROLE_POLICIES,
      partition: this.partition,
    });
    this.nodeRole = new ServiceRole(this, "node", {
      name: props.nodeRoleName,
      description: "EKS Auto Mode node role: joins nodes to the cluster and pulls images",
      service: "ec2.amazonaws.com",
      actions: ["sts:AssumeRole"],
      managedPolicies: NODE_ROLE_POLICIES,
      partition: this.partition,
    });
  }
}
