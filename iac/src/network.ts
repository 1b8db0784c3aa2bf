import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformHclModule } from "cdktf";
import { Construct } from "constructs";
import { assumeRolePolicy, type PolicyCondition } from "./iam";
import { VPC_MODULE, VPC_MODULE_SOURCE } from "./vpc-module";

/** What VPC Flow Logs needs to deliver records to a CloudWatch Logs group (AWS VPC User Guide, "IAM role for publishing flow logs"). */
export const FLOW_LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogGroups",
  "logs:DescribeLogStreams",
] as const;

export interface NetworkProps {
  readonly name: string;
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  readonly privateSubnets: readonly string[];
  readonly publicSubnets: readonly string[];
  readonly natGateways: "single" | "one_per_az";
  readonly flowLogRetentionDays: number;
  /** The role VPC Flow Logs assumes to write to the log group. */
  readonly flowLogRoleName: string;
  /** Confused-deputy conditions on the delivery role's trust (`trustConditions.vpcFlowLogs` in iam.ts). */
  readonly flowLogTrustCondition?: PolicyCondition;
}

/**
 * The VPC, through the registry module: public subnets for internet-facing load balancers and NAT,
 * private subnets for nodes and pods, and flow logs of all traffic to CloudWatch.
 */
export class Network extends Construct {
  readonly module: TerraformHclModule;
  readonly flowLogGroup: CloudwatchLogGroup;
  readonly flowLogRole: IamRole;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    // Owning the log group here (rather than letting the module create it) gives it the same
    // retention and naming rules as every other log group of the deployment.
    this.flowLogGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/aws/vpc-flow-logs/${props.name}`,
      retentionInDays: props.flowLogRetentionDays,
    });
    // The module's own role (create_flow_log_cloudwatch_iam_role) scopes its policy to the log groups the
    // module creates; given an outside group, 6.5.1 and 6.6.0 (vpc-flow-logs.tf is the same in both) write a
    // statement with no resources and IAM rejects it (terraform-aws-vpc issue #1117). So the role is made here, limited to this one group.
    this.flowLogRole = new IamRole(this, "flow-logs-role", {
      name: props.flowLogRoleName,
      description: `VPC Flow Logs delivery to ${this.flowLogGroup.name}`,
      assumeRolePolicy: assumeRolePolicy("vpc-flow-logs.amazonaws.com", ["sts:AssumeRole"], props.flowLogTrustCondition),
    });
    new IamRolePolicy(this, "flow-logs-delivery", {
      name: "deliver-to-log-group",
      role: this.flowLogRole.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DeliverFlowLogs",
            Effect: "Allow",
            Action: [...FLOW_LOG_DELIVERY_ACTIONS],
            Resource: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
          },
        ],
      }),
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
        create_flow_log_cloudwatch_iam_role: false,
        flow_log_cloudwatch_iam_role_arn: this.flowLogRole.arn,
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
