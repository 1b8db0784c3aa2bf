import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsEksAddonVersion } from "@cdktf/provider-aws/lib/data-aws-eks-addon-version";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ServiceRole, trustConditions, type CallerContext } from "./iam";

/** Where the observability add-on runs its CloudWatch agent; the Pod Identity association binds this account. */
export const CLOUDWATCH_AGENT = { namespace: "amazon-cloudwatch", serviceAccount: "cloudwatch-agent" } as const;

/**
 * The log groups the add-on's default configuration writes to, under `/aws/containerinsights/<cluster>/`:
 * Fluent Bit sends container logs to `application`, node logs to `host` and `dataplane`; the CloudWatch
 * agent sends Container Insights performance events to `performance` (CloudWatch User Guide, "Send logs to
 * CloudWatch Logs" for the add-on's Fluent Bit, and "Container Insights performance log reference"). Left
 * to the agents, each would be created on first write with logs kept forever and outside Terraform.
 */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ["application", "dataplane", "host", "performance"] as const;

export const containerInsightsLogGroupName = (clusterName: string, group: string) => `/aws/containerinsights/${clusterName}/${group}`;

export interface ClusterAddonsProps {
  /** The cluster's name as a plain string, for log group names (known before the cluster exists). */
  readonly clusterName: string;
  /** A reference to the cluster (its `name` attribute), so that add-ons wait for it. */
  readonly clusterRef: string;
  /**
   * The descriptor's Kubernetes version, not the cluster's attribute: a data source reading a resource
   * with pending changes is deferred to apply, and the plan would not show the versions.
   */
  readonly kubernetesVersion: string;
  readonly observabilityRoleName: string;
  readonly logRetentionDays: number;
  readonly caller: CallerContext;
}

/**
 * What Auto Mode does not bring: metrics-server (the resource metrics API the HPAs need) and CloudWatch
 * Container Insights, whose agent gets AWS credentials through EKS Pod Identity (built into Auto Mode).
 * Each add-on runs the newest version EKS publishes for the cluster's Kubernetes version, resolved at every
 * plan: left unset, EKS picks its default once at create time and never updates it.
 */
export class ClusterAddons extends Construct {
  readonly metricsServer: EksAddon;
  readonly observability: EksAddon;
  readonly observabilityRole: ServiceRole;
  readonly logGroups: CloudwatchLogGroup[];

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    const addon = (addonId: string, addonName: string, dependsOn: ITerraformDependable[] = []) => {
      const version = new DataAwsEksAddonVersion(this, `${addonId}-version`, {
        addonName,
        kubernetesVersion: props.kubernetesVersion,
        mostRecent: true,
      });
      return new EksAddon(this, addonId, {
        clusterName: props.clusterRef,
        addonName,
        addonVersion: version.version,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
      });
    };

    this.metricsServer = addon("metrics-server", "metrics-server");

    this.observabilityRole = new ServiceRole(this, "observability", {
      name: props.observabilityRoleName,
      description: "CloudWatch agent of Container Insights (EKS Pod Identity)",
      service: "pods.eks.amazonaws.com",
      actions: ["sts:AssumeRole", "sts:TagSession"],
      managedPolicies: ["CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"],
      partition: props.caller.partition,
      trustCondition: trustConditions.podIdentity(props.clusterName, CLOUDWATCH_AGENT.namespace, CLOUDWATCH_AGENT.serviceAccount),
    });
    const association = new EksPodIdentityAssociation(this, "observability-identity", {
      clusterName: props.clusterRef,
      namespace: CLOUDWATCH_AGENT.namespace,
      serviceAccount: CLOUDWATCH_AGENT.serviceAccount,
      roleArn: this.observabilityRole.role.arn,
    });
    // Created before the add-on (and so destroyed after it): retention and tags from the start, and a
    // destroy removes them.
    this.logGroups = CONTAINER_INSIGHTS_LOG_GROUPS.map(
      (group) =>
        new CloudwatchLogGroup(this, `container-insights-${group}`, {
          name: containerInsightsLogGroupName(props.clusterName, group),
          retentionInDays: props.logRetentionDays,
        }),
    );
    // The agent must find its credentials and its log groups on first start.
    this.observability = addon("cloudwatch-observability", "amazon-cloudwatch-observability", [
      association,
      this.observabilityRole.attachments,
      ...this.logGroups,
    ]);
  }
}
