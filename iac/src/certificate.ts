import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";

export interface WildcardCertificateProps {
  /** Public Route 53 hosted zone that holds `baseDomain`. */
  readonly hostedZone: string;
  /** Tenants are served at `<tenant>.<baseDomain>`. */
  readonly baseDomain: string;
}

/**
 * An ACM certificate for `*.<baseDomain>`, validated through DNS in the hosted zone, so every tenant is
 * served over HTTPS without per-tenant certificate work. The helm stack finds it by domain name.
 */
export class WildcardCertificate extends Construct {
  readonly certificate: AcmCertificate;
  readonly validation: AcmCertificateValidation;
  readonly zone: DataAwsRoute53Zone;

  constructor(scope: Construct, id: string, props: WildcardCertificateProps) {
    super(scope, id);
    this.zone = new DataAwsRoute53Zone(this, "zone", { name: props.hostedZone, privateZone: false });
    this.certificate = new AcmCertificate(this, "certificate", {
      domainName: `*.${props.baseDomain}`,
      validationMethod: "DNS",
      // Renewal or a domain change must not leave the load balancer without a certificate.
      lifecycle: { createBeforeDestroy: true },
    });
    const options = TerraformIterator.fromComplexList(this.certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, "validation", {
      forEach: options,
      zoneId: this.zone.zoneId,
      name: options.getString("resource_record_name"),
      type: options.getString("resource_record_type"),
      records: [options.getString("resource_record_value")],
      ttl: 300,
      allowOverwrite: true,
    });
    this.validation = new AcmCertificateValidation(this, "validated", {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(`\${[for record in ${records.fqn} : record.fqdn]}`),
    });
  }
}
