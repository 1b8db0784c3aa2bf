import type { VpcModuleInterface } from "../src/vpc-module";

type Json = Record<string, unknown>;

/**
 * A local stand-in for terraform-aws-modules/vpc/aws, generated from the pinned version's published
 * interface: it declares exactly that version's variables (so passing one it lacks fails `terraform
 * validate`) and outputs, and creates the VPC, subnets, internet and NAT gateways with real
 * hashicorp/aws resources so the plan shows them. The registry is unreachable offline; the real
 * module is what `cdktf deploy` uses.
 */
export function vpcModuleStub(iface: VpcModuleInterface): Record<string, Json> {
  const variable = Object.fromEntries(iface.variables.map((name) => [name, { type: "any", default: null }]));
  const subnet = (kind: "private" | "public") => ({
    count: `\${length(coalesce(var.${kind}_subnets, []))}`,
    vpc_id: "${aws_vpc.this.id}",
    cidr_block: `\${var.${kind}_subnets[count.index]}`,
    availability_zone: "${var.azs[count.index]}",
    tags: `\${merge({ Name = "\${var.name}-${kind}-\${var.azs[count.index]}" }, coalesce(var.${kind}_subnet_tags, {}))}`,
  });
  const natCount = "${var.enable_nat_gateway == true ? (var.single_nat_gateway == true ? 1 : length(var.azs)) : 0}";
  const known: Record<string, string> = {
    name: "${var.name}",
    azs: "${var.azs}",
    vpc_id: "${aws_vpc.this.id}",
    vpc_arn: "${aws_vpc.this.arn}",
    vpc_cidr_block: "${aws_vpc.this.cidr_block}",
    private_subnets: "${aws_subnet.private[*].id}",
    public_subnets: "${aws_subnet.public[*].id}",
    private_subnets_cidr_blocks: "${aws_subnet.private[*].cidr_block}",
    public_subnets_cidr_blocks: "${aws_subnet.public[*].cidr_block}",
    igw_id: "${aws_internet_gateway.this.id}",
    natgw_ids: "${aws_nat_gateway.this[*].id}",
    nat_public_ips: "${aws_eip.nat[*].public_ip}",
  };
  const output = Object.fromEntries(iface.outputs.map((name) => [name, { value: known[name] ?? null }]));
  return {
    "versions.tf.json": {
      terraform: {
        required_version: iface.required_terraform,
        required_providers: { aws: { source: "hashicorp/aws" } },
      },
    },
    "variables.tf.json": { variable },
    "outputs.tf.json": { output },
    "main.tf.json": {
      resource: {
        aws_vpc: {
          this: {
            cidr_block: "${var.cidr}",
            enable_dns_support: "${var.enable_dns_support}",
            enable_dns_hostnames: "${var.enable_dns_hostnames}",
            tags: { Name: "${var.name}" },
          },
        },
        aws_subnet: { private: subnet("private"), public: { ...subnet("public") } },
        aws_internet_gateway: { this: { vpc_id: "${aws_vpc.this.id}", tags: { Name: "${var.name}" } } },
        aws_eip: { nat: { count: natCount, domain: "vpc", tags: { Name: "${var.name}-nat-${count.index}" } } },
        // As the module does with a destination ARN and a role of the caller's: one flow log of the VPC.
        aws_flow_log: {
          this: {
            count: "${var.enable_flow_log == true ? 1 : 0}",
            vpc_id: "${aws_vpc.this.id}",
            log_destination_type: "${var.flow_log_destination_type}",
            log_destination: "${var.flow_log_destination_arn}",
            iam_role_arn: "${var.flow_log_cloudwatch_iam_role_arn}",
            traffic_type: "${var.flow_log_traffic_type}",
            max_aggregation_interval: "${var.flow_log_max_aggregation_interval}",
            tags: { Name: "${var.name}" },
          },
        },
        aws_nat_gateway: {
          this: {
            count: natCount,
            allocation_id: "${aws_eip.nat[count.index].id}",
            subnet_id: "${aws_subnet.public[count.index].id}",
            tags: { Name: "${var.name}-${var.azs[count.index]}" },
          },
        },
      },
    },
  };
}
