import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformHclModule } from "cdktf";
import { Construct } from "constructs";
import { VPC_MODULE, VPC_MODULE_SOURCE } from "./vpc-module";

export interface NetworkProps {
  readonly name: string;
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  readonly privateSubnets: readonly string[];
  readonly publicSubnets: readonly string[];
  readonly natGateways: "single" | "one_per_az";
  readonly flowLogRetentionDays: number;
}

/**
 * The VPC, through the registry module: public subnets for internet-facing load balancers and NAT,
 * private subnets for nodes and pods, and flow logs of all traffic to CloudWatch.
 */
export class Network extends Construct {
  readonly module: TerraformHclModule;
  readonly flowLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    // Owning the log group here (rather than letting the module create it) gives it the same
    // retention and naming rules as every other log group of the deployment.
    this.flowLogGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/aws/vpc-flow-logs/${props.name}`,
      retentionInDays: props.flowLogRetentionDays,
    });
    this.module = new TerraformHclModule(this, "vpc", {
      source: VPC_MODULE_SOURCE,
      version: VPC_MODULE.version,
      variables: {
        name: props.name,
        cidr: props.cidr,
        azs: props.availabilityZones,
        private_subnets: props.privateSubnets,
        public_subnets: props.publicSubnets,
        enable_dns_support: true,
        enable_dns_hostnames: true,
        enable_nat_gateway: true,
        single_nat_gateway: props.natGateways === "single",
        one_nat_gateway_per_az: props.natGateways === "one_per_az",
        // EKS Auto Mode places internet-facing load balancers in subnets tagged elb,
        // internal ones in subnets tagged internal-elb.
        public_subnet_tags: { "kubernetes.io/role/elb": "1" },
        private_subnet_tags: { "kubernetes.io/role/internal-elb": "1" },
        enable_flow_log: true,
        flow_log_destination_type: "cloud-watch-logs",
        flow_log_destination_arn: this.flowLogGroup.arn,
        create_flow_log_cloudwatch_iam_role: true,
        flow_log_traffic_type: "ALL",
        flow_log_max_aggregation_interval: 60,
      },
    });
    // `module.vpc` rather than a generated id: the name reviewers see in every plan.
    this.module.overrideLogicalId("vpc");
  }

  get vpcId(): string {
    return this.module.getString("vpc_id");
  }

  get privateSubnetIds(): string[] {
    return this.module.getList("private_subnets");
  }

  get publicSubnetIds(): string[] {
    return this.module.getList("public_subnets");
  }
}
