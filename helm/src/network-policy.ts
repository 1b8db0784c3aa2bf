import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";

export interface NetworkPolicyEnforcementProps {
  readonly provider: KubernetesProvider;
}

/**
 * EKS Auto Mode accepts NetworkPolicy objects but enforces them only once the ConfigMap
 * `kube-system/amazon-vpc-cni` turns the network policy controller on. Auto Mode does not create that
 * ConfigMap (AWS's guide has you apply it), so this stack creates and owns it.
 */
export class NetworkPolicyEnforcement extends Construct {
  static readonly namespace = "kube-system";
  static readonly configMapName = "amazon-vpc-cni";

  readonly configMap: ConfigMapV1;

  constructor(scope: Construct, id: string, props: NetworkPolicyEnforcementProps) {
    super(scope, id);
    this.configMap = new ConfigMapV1(this, "amazon-vpc-cni", {
      provider: props.provider,
      metadata: { name: NetworkPolicyEnforcement.configMapName, namespace: NetworkPolicyEnforcement.namespace },
      data: { "enable-network-policy-controller": "true" },
    });
  }
}
