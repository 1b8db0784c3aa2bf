import { Component, DeploymentError, isProd, resourceName, type Deployment } from "@gpp/deployment";
import { DeploymentStack } from "@gpp/stack";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { ClusterAddons } from "./addons";
import { DeploymentBudget } from "./budgets";
import { WildcardCertificate } from "./certificate";
import { Cluster } from "./cluster";
import { CallerContext, ClusterIam, trustConditions } from "./iam";
import { Alerts, ClusterAlarms } from "./monitoring";
import { Network } from "./network";
import { weeklyOnHours } from "./on-hours";
import { PrometheusMetrics } from "./prometheus";
import { AVAILABILITY_THRESHOLDS, TenantAvailabilityAlerts } from "./tenant-availability";

/**
 * One deployment's network, IAM, EKS Auto Mode cluster, add-ons, Prometheus metrics, alerting, budget and
 * (with a hosted zone) TLS certificate. Reads the descriptor; the constructs do the work.
 */
export class IacStack extends DeploymentStack {
  readonly caller: CallerContext;
  readonly network: Network;
  readonly iam: ClusterIam;
  readonly cluster: Cluster;
  readonly addons: ClusterAddons;
  readonly alerts: Alerts;
  readonly prometheus: PrometheusMetrics;
  readonly certificate?: WildcardCertificate;

  constructor(scope: Construct, deployment: Deployment) {
    super(scope, deployment, "iac");
    const name = (component: string) => resourceName(deployment, component);

    this.caller = new CallerContext(this, "caller");
    const clusterName = name(Component.cluster);

    this.network = new Network(this, "network", {
      name: name(Component.vpc),
      cidr: deployment.network.vpc_cidr,
      availabilityZones: deployment.availability_zones,
      privateSubnets: deployment.network.private_subnets,
      publicSubnets: deployment.network.public_subnets,
      natGateways: deployment.network.nat_gateways,
      flowLogRetentionDays: deployment.network.flow_logs_retention_days,
      flowLogRoleName: name(Component.flowLogs),
      flowLogTrustCondition: trustConditions.vpcFlowLogs(this.caller, deployment.region),
    });

    this.iam = new ClusterIam(this, "iam", {
      clusterName,
      clusterRoleName: name(Component.clusterRole),
      nodeRoleName: name(Component.nodeRole),
      region: deployment.region,
      caller: this.caller,
    });

    this.cluster = new Cluster(this, "eks", {
      name: clusterName,
      kubernetesVersion: deployment.cluster.kubernetes_version,
      clusterRoleArn: this.iam.clusterRole.role.arn,
      nodeRoleArn: this.iam.nodeRole.role.arn,
      subnetIds: this.network.privateSubnetIds,
      publicAccessCidrs: deployment.cluster.public_access_cidrs,
      adminPrincipalArns: deployment.cluster.admin_principal_arns,
      caller: this.caller,
      logRetentionDays: deployment.cluster.log_retention_days,
      deletionProtection: deployment.cluster.deletion_protection,
      keyDeletionWindowDays: isProd(deployment) ? 30 : 7,
      dependsOn: this.iam.clusterDependencies,
    });
    const eks = this.cluster.cluster;

    this.addons = new ClusterAddons(this, "addons", {
      clusterName,
      clusterRef: eks.name,
      kubernetesVersion: deployment.cluster.kubernetes_version,
      observabilityRoleName: name(Component.observabilityRole),
      logRetentionDays: deployment.cluster.log_retention_days,
      caller: this.caller,
    });

    this.prometheus = new PrometheusMetrics(this, "prometheus", {
      alias: name(Component.prometheus),
      clusterArn: eks.arn,
      clusterSecurityGroupId: eks.vpcConfig.clusterSecurityGroupId,
      subnetIds: this.network.privateSubnetIds,
    });

    this.alerts = new Alerts(this, "alerts", {
      topicName: name(Component.alerts),
      emails: deployment.monitoring.alarm_emails,
      prometheusWorkspaceArn: this.prometheus.workspace.arn,
    });
    new TenantAvailabilityAlerts(this, "tenant-availability", {
      workspaceId: this.prometheus.workspace.id,
      namespaceName: "tenant-availability",
      alertManager: {
        topicArn: this.alerts.topic.arn,
        region: deployment.region,
        onHours: onHoursOf(deployment),
      },
      dependsOn: [this.alerts.policy],
    });
    new ClusterAlarms(this, "alarms", {
      clusterName: eks.name,
      namePrefix: name(Component.cluster),
      topicArn: this.alerts.topic.arn,
    });
    new DeploymentBudget(this, "budget", {
      name: name(Component.budget),
      deploymentId: deployment.deployment_id,
      monthlyLimitUsd: deployment.budget.monthly_limit_usd,
      topicArn: this.alerts.topic.arn,
      emails: deployment.monitoring.alarm_emails,
      dependsOn: [this.alerts.policy],
    });

    if (deployment.ingress.hosted_zone) {
      this.certificate = new WildcardCertificate(this, "tls", {
        hostedZone: deployment.ingress.hosted_zone,
        baseDomain: deployment.ingress.base_domain,
      });
    }

    const outputs: Record<string, { value: unknown; description: string }> = {
      cluster_name: { value: eks.name, description: "EKS cluster name (also derivable with the naming function)" },
      cluster_endpoint: { value: eks.endpoint, description: "Kubernetes API endpoint" },
      cluster_certificate_authority_data: { value: eks.certificateAuthority.get(0).data, description: "Base64 CA bundle of the API endpoint" },
      cluster_oidc_issuer_url: { value: eks.identity.get(0).oidc.get(0).issuer, description: "OIDC issuer of the cluster's service account tokens" },
      vpc_id: { value: this.network.vpcId, description: "VPC id" },
      private_subnet_ids: { value: this.network.privateSubnetIds, description: "Private subnets (nodes, pods, internal load balancers)" },
      public_subnet_ids: { value: this.network.publicSubnetIds, description: "Public subnets (internet-facing load balancers, NAT)" },
      prometheus_workspace_endpoint: { value: this.prometheus.workspace.prometheusEndpoint, description: "Amazon Managed Prometheus query endpoint (Traefik and other annotated pods)" },
      alerts_topic_arn: { value: this.alerts.topic.arn, description: "SNS topic of alarms and budget notifications" },
    };
    if (this.certificate) {
      outputs.certificate_arn = { value: this.certificate.validation.certificateArn, description: "Validated ACM certificate for *.<base domain>" };
    }
    for (const [id, output] of Object.entries(outputs)) new TerraformOutput(this, id, output);
  }
}

/** Non-prod tenants are down outside `scaling.off_hours`: their availability alerts are sent only in the up hours. */
function onHoursOf(deployment: Deployment) {
  const offHours = deployment.scaling.off_hours;
  if (!offHours) return undefined;
  const result = weeklyOnHours(offHours, AVAILABILITY_THRESHOLDS.warmUpMinutes);
  if ("field" in result) throw new DeploymentError(deployment.file, [{ field: result.field, message: result.message }]);
  return { timezone: offHours.timezone, intervals: result.intervals };
}
