import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn } from "cdktf";
import { Construct } from "constructs";

export interface ClusterAccessProps {
  /** The EKS cluster's name, from the shared naming (`clusterName(d)`), never from another stack's state. */
  readonly clusterName: string;
  readonly region: string;
}

/**
 * Credentials for the Kubernetes API from `aws eks get-token`, run by the providers whenever they need
 * a token. A token read once by `aws_eks_cluster_auth` expires after 15 minutes, shorter than an apply
 * that waits for Traefik and hundreds of tenant releases.
 */
export function eksTokenExec(clusterName: string, region: string) {
  return {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "aws",
    args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
  };
}

/**
 * Looks the cluster up by name and configures the helm and kubernetes providers from it, authenticating
 * with the deployer's AWS credentials through the AWS CLI (v2), which `libs/bash/install.sh` installs.
 */
export class ClusterAccess extends Construct {
  readonly cluster: DataAwsEksCluster;
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    this.cluster = new DataAwsEksCluster(this, "cluster", { name: props.clusterName });
    const exec = eksTokenExec(props.clusterName, props.region);
    const host = this.cluster.endpoint;
    const clusterCaCertificate = Fn.base64decode(this.cluster.certificateAuthority.get(0).data);
    // hashicorp/helm 3.x: `kubernetes` is a nested attribute object, not a block.
    this.helm = new HelmProvider(this, "helm", {
      kubernetes: { host, clusterCaCertificate, exec },
    });
    this.kubernetes = new KubernetesProvider(this, "kubernetes", { host, clusterCaCertificate, exec: [exec] });
  }
}
