import type { VpcModuleInterface, VpcModuleVariableTypes } from "../src/vpc-module";

type Json = Record<string, unknown>;

const HCL_TOKEN = /\s*("(?:[^"\\]|\\.)*"|[A-Za-z_][\w-]*|-?\d+(?:\.\d+)?|[{}()[\],=])/y;

/**
 * Restores the separators that collapsing variables.tf's whitespace removed: `{ a = 1 b = 2 }` is valid HCL
 * only across lines, so a comma goes before every `name =` that does not open an object or follow a comma.
 * Works for both type expressions (`object({ a = string b = number })`) and default literals. Hand-written
 * because no HCL parser reads the collapsed form (that is the point), and this is the one rewrite needed.
 */
export function hclOneLine(collapsed: string): string {
  const tokens: string[] = [];
  HCL_TOKEN.lastIndex = 0;
  while (HCL_TOKEN.lastIndex < collapsed.trimEnd().length) {
    const match = HCL_TOKEN.exec(collapsed);
    if (!match) throw new Error(`cannot read HCL literal at ${HCL_TOKEN.lastIndex}: ${collapsed}`);
    tokens.push(match[1] as string);
  }
  const out: string[] = [];
  tokens.forEach((token, i) => {
    const previous = out[out.length - 1];
    const opensItem = /^[A-Za-z_]/.test(token) && tokens[i + 1] === "=";
    if (opensItem && previous !== undefined && !["{", ",", "("].includes(previous)) out.push(",");
    out.push(token);
  });
  // Spaces between tokens, except where HCL style has none: `list(string)`, `a, b`, `[]`, `{}`.
  const tight = (before: string | undefined, token: string) =>
    before === undefined || ["(", ")", ","].includes(token) || before === "(" || before + token === "[]" || before + token === "{}";
  return out.reduce((text, token, i) => (tight(out[i - 1], token) ? text + token : `${text} ${token}`), "");
}

/** variables.tf in native syntax: the declared types are type expressions, which JSON syntax would only hold as strings. */
function variablesTf(iface: VpcModuleInterface, types: VpcModuleVariableTypes): string {
  if (types.version !== iface.version) throw new Error(`variable types of ${types.version} given for module ${iface.version}`);
  return iface.variables
    .map((name) => {
      const declared = types.variables[name];
      if (!declared) throw new Error(`no declared type for variable ${name} of module ${iface.version}`);
      return `variable "${name}" {\n  type    = ${hclOneLine(declared.type)}\n  default = ${hclOneLine(declared.default)}\n}\n`;
    })
    .join("\n");
}

/**
 * A local stand-in for terraform-aws-modules/vpc/aws, generated from the pinned version's published
 * interface and variables.tf types: it declares exactly that version's variables with their declared types
 * and defaults (so passing one it lacks, or a value of the wrong type, fails `terraform validate` as the real
 * module would) and outputs, and creates the VPC, subnets, internet and NAT gateways with real hashicorp/aws
 * resources so the plan shows them. The registry is unreachable offline; the real module is what
 * `cdktf deploy` uses.
 */
export function vpcModuleStub(iface: VpcModuleInterface, types: VpcModuleVariableTypes): Record<string, Json | string> {
  const subnet = (kind: "private" | "public") => ({
    count: `\${length(coalesce(var.${kind}_subnets, []))}`,
    vpc_id: "${aws_vpc.this.id}",
    cidr_block: `\${var.${kind}_subnets[count.index]}`,
    // As the module's main.tf (6.5.1 and 6.6.0): an entry starting with two letters and "-" is a zone name,
    // anything else a zone ID.
    availability_zone: '${length(regexall("^[a-z]{2}-", var.azs[count.index])) > 0 ? var.azs[count.index] : null}',
    availability_zone_id: '${length(regexall("^[a-z]{2}-", var.azs[count.index])) == 0 ? var.azs[count.index] : null}',
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
    "variables.tf": variablesTf(iface, types),
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
