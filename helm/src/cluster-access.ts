import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { DataAwsEksClusterAuth } from "@cdktf/provider-aws/lib/data-aws-eks-cluster-auth";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn } from "cdktf";
import { Construct } from "constructs";

export interface ClusterAccessProps {
  /** The EKS cluster's name, from the shared naming (`clusterName(d)`), never from another stack's state. */
  readonly clusterName: string;
}

/**
 * Looks the cluster up by name and configures the helm and kubernetes providers from it. The token of
 * `aws_eks_cluster_auth` lives 15 minutes and is read at the start of every plan/apply, which is
 * enough for these releases and needs no `aws` CLI on the machine that deploys.
 */
export class ClusterAccess extends Construct {
  readonly cluster: DataAwsEksCluster;
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    this.cluster = new DataAwsEksCluster(this, "cluster", { name: props.clusterName });
    const auth = new DataAwsEksClusterAuth(this, "auth", { name: props.clusterName });
    const host = this.cluster.endpoint;
    const clusterCaCertificate = Fn.base64decode(this.cluster.certificateAuthority.get(0).data);
    // hashicorp/helm 3.x: `kubernetes` is a nested attribute object, not a block.
    this.helm = new HelmProvider(this, "helm", {
      kubernetes: { host, clusterCaCertificate, token: auth.token },
    });
    this.kubernetes = new KubernetesProvider(this, "kubernetes", { host, clusterCaCertificate, token: auth.token });
  }
}
