import { DataAwsAcmCertificate } from "@cdktf/provider-aws/lib/data-aws-acm-certificate";
import { DataAwsLbHostedZoneId } from "@cdktf/provider-aws/lib/data-aws-lb-hosted-zone-id";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { DataKubernetesServiceV1 } from "@cdktf/provider-kubernetes/lib/data-kubernetes-service-v1";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** `*.<base domain>`: the one certificate name and DNS record that cover every tenant's host. */
export const wildcardName = (baseDomain: string): string => `*.${baseDomain}`;

export interface WildcardCertificateLookupProps {
  readonly baseDomain: string;
}

/**
 * Finds the ACM certificate the `iac` stack requested and validated for `*.<base domain>` (by name,
 * never from the iac state). Only an ISSUED one will do, and the newest wins while a renewal or a
 * replacement overlaps the old one (iac creates the new certificate before destroying the old).
 */
export class WildcardCertificateLookup extends Construct {
  readonly certificate: DataAwsAcmCertificate;

  constructor(scope: Construct, id: string, props: WildcardCertificateLookupProps) {
    super(scope, id);
    this.certificate = new DataAwsAcmCertificate(this, "certificate", {
      domain: wildcardName(props.baseDomain),
      statuses: ["ISSUED"],
      mostRecent: true,
    });
  }

  get arn(): string {
    return this.certificate.arn;
  }
}

export interface WildcardAliasRecordProps {
  readonly kubernetesProvider: KubernetesProvider;
  /** Public Route 53 hosted zone that holds the base domain. */
  readonly hostedZone: string;
  readonly baseDomain: string;
  readonly region: string;
  /** The ingress controller's LoadBalancer Service, whose status carries the NLB's host name. */
  readonly serviceName: string;
  readonly serviceNamespace: string;
  /** What creates that Service (its helm release), so the lookup waits for the NLB. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * `*.<base domain>` as an alias A record for the ingress controller's NLB, so every tenant answers at
 * `https://<tenant>.<base domain>` with no per-tenant DNS work. The NLB is created by Auto Mode from the
 * Service, so its name is read from the Service's status after the release (helm's wait holds the
 * release until a LoadBalancer Service has an address).
 */
export class WildcardAliasRecord extends Construct {
  readonly zone: DataAwsRoute53Zone;
  readonly service: DataKubernetesServiceV1;
  readonly loadBalancerZone: DataAwsLbHostedZoneId;
  readonly record: Route53Record;

  constructor(scope: Construct, id: string, props: WildcardAliasRecordProps) {
    super(scope, id);
    this.zone = new DataAwsRoute53Zone(this, "zone", { name: props.hostedZone, privateZone: false });
    this.service = new DataKubernetesServiceV1(this, "ingress-service", {
      provider: props.kubernetesProvider,
      metadata: { name: props.serviceName, namespace: props.serviceNamespace },
      dependsOn: props.dependsOn,
    });
    // The canonical hosted zone of network load balancers in the region: what an alias must name.
    this.loadBalancerZone = new DataAwsLbHostedZoneId(this, "nlb-zone", { loadBalancerType: "network", region: props.region });
    this.record = new Route53Record(this, "wildcard", {
      zoneId: this.zone.zoneId,
      name: wildcardName(props.baseDomain),
      type: "A",
      alias: {
        name: this.service.status.get(0).loadBalancer.get(0).ingress.get(0).hostname,
        zoneId: this.loadBalancerZone.id,
        // With no healthy Traefik target, Route 53 stops answering instead of sending users to a dead NLB.
        evaluateTargetHealth: true,
      },
    });
  }
}
