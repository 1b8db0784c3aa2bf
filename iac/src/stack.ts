import { Component, isProd, resourceName, type Deployment } from "@gpp/deployment";
import { DeploymentStack } from "@gpp/stack";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { Cluster } from "./cluster";
import { ClusterIam } from "./iam";
import { Network } from "./network";

/** One deployment's network, IAM and EKS Auto Mode cluster. Reads the descriptor; the constructs do the work. */
export class IacStack extends DeploymentStack {
  readonly network: Network;
  readonly iam: ClusterIam;
  readonly cluster: Cluster;

  constructor(scope: Construct, deployment: Deployment) {
    super(scope, deployment, "iac");
    const name = (component: string) => resourceName(deployment, component);

    this.network = new Network(this, "network", {
      name: name(Component.vpc),
      cidr: deployment.network.vpc_cidr,
      availabilityZones: deployment.availability_zones,
      privateSubnets: deployment.network.private_subnets,
      publicSubnets: deployment.network.public_subnets,
      natGateways: deployment.network.nat_gateways,
      flowLogRetentionDays: deployment.network.flow_logs_retention_days,
    });

    this.iam = new ClusterIam(this, "iam", {
      clusterRoleName: name(Component.clusterRole),
      nodeRoleName: name(Component.nodeRole),
    });

    this.cluster = new Cluster(this, "eks", {
      name: name(Component.cluster),
      kubernetesVersion: deployment.cluster.kubernetes_version,
      clusterRoleArn: this.iam.clusterRole.role.arn,
      nodeRoleArn: this.iam.nodeRole.role.arn,
      subnetIds: this.network.privateSubnetIds,
      publicAccessCidrs: deployment.cluster.public_access_cidrs,
      adminPrincipalArns: deployment.cluster.admin_principal_arns,
      logRetentionDays: deployment.cluster.log_retention_days,
      deletionProtection: deployment.cluster.deletion_protection,
      keyDeletionWindowDays: isProd(deployment) ? 30 : 7,
      dependsOn: [this.iam.clusterRole.attachments, this.iam.nodeRole.attachments],
    });

    const eks = this.cluster.cluster;
    const outputs: Record<string, { value: unknown; description: string }> = {
      cluster_name: { value: eks.name, description: "EKS cluster name (also derivable with the naming function)" },
      cluster_endpoint: { value: eks.endpoint, description: "Kubernetes API endpoint" },
      cluster_certificate_authority_data: { value: eks.certificateAuthority.get(0).data, description: "Base64 CA bundle of the API endpoint" },
      cluster_oidc_issuer_url: { value: eks.identity.get(0).oidc.get(0).issuer, description: "OIDC issuer of the cluster's service account tokens" },
      vpc_id: { value: this.network.vpcId, description: "VPC id" },
      private_subnet_ids: { value: this.network.privateSubnetIds, description: "Private subnets (nodes, pods, internal load balancers)" },
      public_subnet_ids: { value: this.network.publicSubnetIds, description: "Public subnets (internet-facing load balancers, NAT)" },
    };
    for (const [id, output] of Object.entries(outputs)) new TerraformOutput(this, id, output);
  }
}
