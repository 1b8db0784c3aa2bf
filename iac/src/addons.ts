import type { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { Construct } from "constructs";
import { ServiceRole } from "./iam";

/** Where the observability add-on runs its CloudWatch agent; the Pod Identity association binds this account. */
export const CLOUDWATCH_AGENT = { namespace: "amazon-cloudwatch", serviceAccount: "cloudwatch-agent" } as const;

export interface ClusterAddonsProps {
  readonly clusterName: string;
  readonly observabilityRoleName: string;
  readonly partition: DataAwsPartition;
}

/**
 * What Auto Mode does not bring: metrics-server (the resource metrics API the HPAs need) and CloudWatch
 * Container Insights, whose agent gets AWS credentials through EKS Pod Identity (built into Auto Mode).
 * Add-on versions are left to EKS, which picks the default for the cluster's Kubernetes version.
 */
export class ClusterAddons extends Construct {
  readonly metricsServer: EksAddon;
  readonly observability: EksAddon;
  readonly observabilityRole: ServiceRole;

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    this.metricsServer = new EksAddon(this, "metrics-server", {
      clusterName: props.clusterName,
      addonName: "metrics-server",
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
    });

    this.observabilityRole = new ServiceRole(this, "observability", {
      name: props.observabilityRoleName,
      description: "CloudWatch agent of Container Insights (EKS Pod Identity)",
      service: "pods.eks.amazonaws.com",
      actions: ["sts:AssumeRole", "sts:TagSession"],
      managedPolicies: ["CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"],
      partition: props.partition,
    });
    const association = new EksPodIdentityAssociation(this, "observability-identity", {
      clusterName: props.clusterName,
      namespace: CLOUDWATCH_AGENT.namespace,
      serviceAccount: CLOUDWATCH_AGENT.serviceAccount,
      roleArn: this.observabilityRole.role.arn,
    });
    this.observability = new EksAddon(this, "cloudwatch-observability", {
      clusterName: props.clusterName,
      addonName: "amazon-cloudwatch-observability",
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      // The agent must find its credentials on first start.
      dependsOn: [association, this.observabilityRole.attachments],
    });
  }
}
