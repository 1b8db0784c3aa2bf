import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  DeploymentError,
  KNOWN_REGIONS,
  defaultVpcCidr,
  clusterName,
  defaultDeploymentsDir,
  deploymentsFromEnvironment,
  loadDeployments,
  parseDeployment,
  resourceName,
  stackName,
} from "../src";

const minimal = { deployment_id: "abc1", env: "dev", region: "eu-west-1" };
const parse = (doc: object, file = "deployments/abc1.yaml") => parseDeployment(stringify(doc), file);

describe("defaults of a minimal descriptor", () => {
  const d = parse(minimal);
  it("spans three of the region's zones by zone ID, the same physical zones in every account", () => {
    expect(d.availability_zones).toEqual(["euw1-az1", "euw1-az2", "euw1-az3"]);
    expect(parse({ ...minimal, region: "eu-central-1" }).availability_zones).toEqual(["euc1-az1", "euc1-az2", "euc1-az3"]);
  });
  it("leaves out the zone EKS refuses in us-east-1 (use1-az3)", () => {
    expect(parse({ ...minimal, region: "us-east-1" }).availability_zones).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
  });
  it("takes any three zone IDs of the region that EKS accepts", () => {
    const zones = ["use1-az6", "use1-az5", "use1-az2"];
    expect(parse({ ...minimal, region: "us-east-1", availability_zones: zones }).availability_zones).toEqual(zones);
  });
  it("derives its VPC CIDR from the deployment id, and 3 private /20 and 3 public /24 subnets from that", () => {
    expect(d.network.vpc_cidr).toBe("10.219.0.0/16");
    expect(d.network.private_subnets).toEqual(["10.219.0.0/20", "10.219.16.0/20", "10.219.32.0/20"]);
    expect(d.network.public_subnets).toEqual(["10.219.48.0/24", "10.219.49.0/24", "10.219.50.0/24"]);
  });
  it("uses one NAT gateway, Kubernetes 1.35, local state and no deletion protection outside prod", () => {
    expect(d.network.nat_gateways).toBe("single");
    expect(d.cluster.kubernetes_version).toBe("1.35");
    expect(d.state).toEqual({ backend: "local" });
    expect(d.cluster.deletion_protection).toBe(false);
  });
  it("serves the unpinned latest image by default", () => {
    expect(d.service.image).toEqual({ repository: "gradyent/tech-interview", tag: "latest" });
  });
});

describe("day-2 defaults", () => {
  const d = parse(minimal);
  it("scales non-prod tenants to zero outside weekday office hours, UTC", () => {
    expect(d.scaling.off_hours).toEqual({ timezone: "UTC", scale_up: "0 7 * * 1-5", scale_down: "0 19 * * 1-5" });
  });
  it("can turn off-hours scaling off", () => {
    expect(parse({ ...minimal, scaling: { off_hours: false } }).scaling).toEqual({});
  });
  it("budgets 700 USD a month outside prod and sends alarms nowhere until emails are listed", () => {
    expect(d.budget.monthly_limit_usd).toBe(700);
    expect(d.monitoring.alarm_emails).toEqual([]);
  });
  it("serves over HTTP only until a hosted zone is named", () => {
    expect(d.ingress.hosted_zone).toBeUndefined();
    const tls = parse({ ...minimal, ingress: { hosted_zone: "example.org", base_domain: "apps.example.org" } });
    expect(tls.ingress).toEqual({ hosted_zone: "example.org", base_domain: "apps.example.org" });
  });
});

describe("prod defaults", () => {
  const d = parse({ ...minimal, env: "prod", cluster: { public_access_cidrs: ["203.0.113.0/24"] }, state: { backend: "s3", bucket: "example-gpp-terraform-state" } });
  it("puts a NAT gateway in every AZ, protects the cluster and keeps logs a year", () => {
    expect(d.network.nat_gateways).toBe("one_per_az");
    expect(d.cluster.deletion_protection).toBe(true);
    expect(d.cluster.log_retention_days).toBe(365);
  });
  it("never scales to zero and budgets 3000 USD a month", () => {
    expect(d.scaling.off_hours).toBeUndefined();
    expect(d.budget.monthly_limit_usd).toBe(3000);
  });
});

describe("derived subnets follow the VPC CIDR", () => {
  it("carves a /18 into /22 private and /26 public subnets", () => {
    const d = parse({ ...minimal, network: { vpc_cidr: "172.20.0.0/18" } });
    expect(d.network.private_subnets).toEqual(["172.20.0.0/22", "172.20.4.0/22", "172.20.8.0/22"]);
    expect(d.network.public_subnets).toEqual(["172.20.12.0/26", "172.20.12.64/26", "172.20.12.128/26"]);
  });
});

describe("tenants", () => {
  it("get <tenant>.<base domain> as host unless they set one", () => {
    const d = parse({ ...minimal, ingress: { base_domain: "apps.example.org" }, tenants: [{ id: "acme" }, { id: "umbrella", host: "umbrella.example.net" }] });
    expect(d.tenants.map((t) => t.host)).toEqual(["acme.apps.example.org", "umbrella.example.net"]);
  });
});

// Each bad input must name the file and the field at fault.
const bad: [string, object, string, RegExp][] = [
  ["a deployment id that is not 4 lowercase alphanumerics", { ...minimal, deployment_id: "GPP-0" }, "deployment_id", /exactly 4 lowercase/],
  ["a deployment id that is too long", { ...minimal, deployment_id: "gpp01" }, "deployment_id", /exactly 4/],
  ["an unknown environment", { ...minimal, env: "qa" }, "env", /dev|prod/],
  ["a region that is not one", { ...minimal, region: "europe" }, "region", /AWS region/],
  ["a misspelt region", { ...minimal, region: "eu-westt-1" }, "region", /AWS region/],
  ["an unknown top-level field", { ...minimal, vpc: {} }, "vpc", /unknown field/],
  ["an unknown nested field", { ...minimal, network: { vpc_cidr: "10.0.0.0/16", natGateways: 1 } }, "network.natGateways", /unknown field/],
  ["a CIDR that does not parse", { ...minimal, network: { vpc_cidr: "10.0.0.300/16" } }, "network.vpc_cidr", /not an IPv4 CIDR/],
  ["a CIDR with host bits", { ...minimal, network: { vpc_cidr: "10.0.1.0/16" } }, "network.vpc_cidr", /host bits/],
  ["a VPC too large for AWS", { ...minimal, network: { vpc_cidr: "10.0.0.0/8" } }, "network.vpc_cidr", /between \/16 and \/20/],
  ["a VPC in public address space", { ...minimal, network: { vpc_cidr: "8.8.0.0/16" } }, "network.vpc_cidr", /RFC 1918/],
  ["a subnet outside the VPC", { ...minimal, network: { vpc_cidr: "10.0.0.0/16", public_subnets: ["10.0.48.0/24", "10.0.49.0/24", "10.1.0.0/24"] } }, "network.public_subnets[2]", /not inside the VPC/],
  ["overlapping subnets", { ...minimal, network: { vpc_cidr: "10.0.0.0/16", public_subnets: ["10.0.0.0/24", "10.0.49.0/24", "10.0.50.0/24"] } }, "network.public_subnets[0]", /overlaps 10.0.0.0\/20/],
  ["a wrong-sized subnet", { ...minimal, network: { vpc_cidr: "10.0.0.0/16", public_subnets: ["10.0.48.0/29", "10.0.49.0/24", "10.0.50.0/24"] } }, "network.public_subnets[0]", /\/16 and \/28/],
  ["two subnets instead of three", { ...minimal, network: { vpc_cidr: "10.0.0.0/16", private_subnets: ["10.0.0.0/20", "10.0.16.0/20"] } }, "network.private_subnets", /exactly 3/],
  ["a region without checked zone facts", { ...minimal, region: "ap-southeast-2" }, "region", /ap-southeast-2 is not a region this project has checked facts for .*use one of us-east-1, eu-west-1, eu-central-1/],
  ["a China region", { ...minimal, region: "cn-north-1" }, "region", /cn-north-1 is not a region this project has checked facts for/],
  ["a zone ID of another region", { ...minimal, availability_zones: ["euw1-az1", "euw1-az2", "use1-az1"] }, "availability_zones[2]", /"use1-az1" is not an availability zone ID of eu-west-1, whose zone IDs are euw1-az1, euw1-az2, euw1-az3/],
  ["a zone ID the region does not have", { ...minimal, availability_zones: ["euw1-az1", "euw1-az2", "euw1-az4"] }, "availability_zones[2]", /not an availability zone ID of eu-west-1/],
  ["a zone name instead of a zone ID", { ...minimal, availability_zones: ["eu-west-1a", "euw1-az2", "euw1-az3"] }, "availability_zones[0]", /"eu-west-1a" is a zone name; give zone IDs \(euw1-az1, euw1-az2, euw1-az3\): .*different physical zone in each account.*describe-availability-zones --region eu-west-1/],
  ["a zone EKS refuses", { ...minimal, region: "us-east-1", availability_zones: ["use1-az1", "use1-az3", "use1-az4"] }, "availability_zones[1]", /"use1-az3" is a zone where EKS does not accept cluster subnets \(CreateCluster fails with UnsupportedAvailabilityZoneException.*use use1-az1, use1-az2, use1-az4, use1-az5, use1-az6/],
  ["the same AZ twice", { ...minimal, availability_zones: ["euw1-az1", "euw1-az1", "euw1-az2"] }, "availability_zones", /3 different/],
  ["two AZs", { ...minimal, availability_zones: ["euw1-az1", "euw1-az2"] }, "availability_zones", /exactly 3/],
  ["an admin principal of another partition", { ...minimal, cluster: { admin_principal_arns: ["arn:aws-cn:iam::111122223333:role/admin"] } }, "cluster.admin_principal_arns[0]", /partition aws-cn, but eu-west-1 is in partition aws/],
  ["an unquoted Kubernetes version", { ...minimal, cluster: { kubernetes_version: 1.3 } }, "cluster.kubernetes_version", /quoted string such as "1.35"/],
  ["a Kubernetes version that is not a minor version", { ...minimal, cluster: { kubernetes_version: "1.35.1" } }, "cluster.kubernetes_version", /minor version/],
  ["a prod deployment without an API allowlist", { ...minimal, env: "prod", state: { backend: "s3", bucket: "example-gpp-terraform-state" } }, "cluster.public_access_cidrs", /required for prod/],
  ["a prod API open to the world", { ...minimal, env: "prod", cluster: { public_access_cidrs: ["0.0.0.0/0"] }, state: { backend: "s3", bucket: "example-gpp-terraform-state" } }, "cluster.public_access_cidrs[0]", /0\.0\.0\.0\/0 is wider than \/16, the widest range the public API endpoint may be opened to in prod/],
  ["a prod API open to the world in two halves", { ...minimal, env: "prod", cluster: { public_access_cidrs: ["198.51.100.0/24", "128.0.0.0/1"] }, state: { backend: "s3", bucket: "example-gpp-terraform-state" } }, "cluster.public_access_cidrs[1]", /128\.0\.0\.0\/1 is wider than \/16/],
  ["a prod API open to a /15", { ...minimal, env: "prod", cluster: { public_access_cidrs: ["203.0.0.0/15"] }, state: { backend: "s3", bucket: "example-gpp-terraform-state" } }, "cluster.public_access_cidrs[0]", /is wider than \/16/],
  ["prod with local state", { ...minimal, env: "prod", cluster: { public_access_cidrs: ["203.0.113.0/24"] } }, "state.backend", /must be s3 in prod: local state lives on one machine/],
  ["an admin principal that is not an IAM ARN", { ...minimal, cluster: { admin_principal_arns: ["alice"] } }, "cluster.admin_principal_arns[0]", /IAM role or user ARN/],
  ["an admin principal in a partition that does not exist", { ...minimal, cluster: { admin_principal_arns: ["arn:awsx:iam::111122223333:role/admin"] } }, "cluster.admin_principal_arns[0]", /IAM role or user ARN/],
  ["an admin principal that is an STS session", { ...minimal, cluster: { admin_principal_arns: ["arn:aws:sts::111122223333:assumed-role/admin/alice"] } }, "cluster.admin_principal_arns[0]", /STS session ARNs cannot have access entries/],
  ["the same admin principal twice", { ...minimal, cluster: { admin_principal_arns: ["arn:aws:iam::111122223333:role/admin", "arn:aws:iam::111122223333:role/admin"] } }, "cluster.admin_principal_arns[1]", /duplicate admin principal .* \(also \[0\]\)/],
  ["a log retention CloudWatch refuses", { ...minimal, cluster: { log_retention_days: 10 } }, "cluster.log_retention_days", /retention periods/],
  ["a reserved tag key", { ...minimal, tags: { "aws:owner": "x" } }, "tags.aws:owner", /reserved/],
  ["a tag value with characters AWS refuses", { ...minimal, tags: { owner: "platform<team>" } }, "tags.owner", /tag values may only hold/],
  ["a tag key with characters AWS refuses", { ...minimal, tags: { "cost#centre": "42" } }, "tags.cost#centre", /tag keys may only hold/],
  ["a tenant id that is not a DNS label", { ...minimal, tenants: [{ id: "Acme_Corp" }] }, "tenants[0].id", /DNS label/],
  ["a duplicate tenant", { ...minimal, tenants: [{ id: "acme" }, { id: "acme" }] }, "tenants[1].id", /duplicate tenant "acme"/],
  ["colliding tenant hosts", { ...minimal, tenants: [{ id: "acme" }, { id: "beta", host: "acme.abc1.dev.tech-interview.internal" }] }, "tenants[1].host", /already used by tenants\[0\]/],
  ["an s3 state backend without a bucket", { ...minimal, state: { backend: "s3" } }, "state.bucket", /expected string/i],
  ["an unknown state backend", { ...minimal, state: { backend: "consul" } }, "state.backend", /.+/],
  ["an alarm email that is not an address", { ...minimal, monitoring: { alarm_emails: ["ops@example.org", "ops at example"] } }, "monitoring.alarm_emails[1]", /email address/],
  ["the same alarm email twice", { ...minimal, monitoring: { alarm_emails: ["ops@example.org", "OPS@example.org"] } }, "monitoring.alarm_emails[1]", /duplicate address OPS@example.org \(also \[0\]\)/],
  ["more alarm emails than AWS Budgets takes", { ...minimal, monitoring: { alarm_emails: Array.from({ length: 11 }, (_, i) => `ops${i}@example.org`) } }, "monitoring.alarm_emails", /at most 10/],
  ["an off-hours schedule that does not parse", { ...minimal, scaling: { off_hours: { scale_up: "0 25 * * 1-5", scale_down: "0 19 * * 1-5" } } }, "scaling.off_hours.scale_up", /does not parse as cron/],
  ["an off-hours schedule with six fields", { ...minimal, scaling: { off_hours: { scale_up: "0 0 7 * * 1-5", scale_down: "0 19 * * 1-5" } } }, "scaling.off_hours.scale_up", /5-field cron/],
  ["an unknown time zone", { ...minimal, scaling: { off_hours: { timezone: "Mars/Olympus", scale_up: "0 7 * * 1-5", scale_down: "0 19 * * 1-5" } } }, "scaling.off_hours.timezone", /IANA time zone/],
  ["off hours in prod", { ...minimal, env: "prod", cluster: { public_access_cidrs: ["203.0.113.0/24"] }, state: { backend: "s3", bucket: "example-gpp-terraform-state" }, scaling: { off_hours: { scale_up: "0 7 * * 1-5", scale_down: "0 19 * * 1-5" } } }, "scaling.off_hours", /prod never scales to zero/],
  ["a budget of zero", { ...minimal, budget: { monthly_limit_usd: 0 } }, "budget.monthly_limit_usd", /positive/],
  ["a budget that is not a number", { ...minimal, budget: { monthly_limit_usd: "500" } }, "budget.monthly_limit_usd", /number of US dollars/],
  ["a hosted zone without a base domain", { ...minimal, ingress: { hosted_zone: "example.org" } }, "ingress.base_domain", /required with ingress.hosted_zone/],
  ["a base domain outside its hosted zone", { ...minimal, ingress: { hosted_zone: "example.org", base_domain: "apps.example.net" } }, "ingress.base_domain", /not inside the hosted zone example.org/],
  ["an image digest that is not sha256", { ...minimal, service: { image: { digest: "latest" } } }, "service.image.digest", /sha256/],
];

describe("the default VPC CIDR", () => {
  it("is a stable function of the deployment id: the same /16 of 10/8 on every machine and every run", () => {
    // Literal values: a change to the derivation would move (and so replace) every deployed default VPC.
    expect(["gpp0", "abc1", "abc2", "prd1"].map(defaultVpcCidr)).toEqual(["10.130.0.0/16", "10.219.0.0/16", "10.75.0.0/16", "10.37.0.0/16"]);
    expect(parse({ ...minimal, deployment_id: "prd1" }, "prd1.yaml").network.vpc_cidr).toBe("10.37.0.0/16");
  });

  it("gives different ids different VPCs (the usual case), and an explicit vpc_cidr wins", () => {
    expect(parse(minimal).network.vpc_cidr).not.toBe(parse({ ...minimal, deployment_id: "abc2" }).network.vpc_cidr);
    expect(parse({ ...minimal, network: { vpc_cidr: "172.20.0.0/16" } }).network.vpc_cidr).toBe("172.20.0.0/16");
  });
});

describe("admin principals and partitions", () => {
  it.each(["arn:aws:iam::111122223333:role/admin", "arn:aws:iam::111122223333:user/ops/alice"])("accepts %s in a region of partition aws", (arn) => {
    expect(parse({ ...minimal, cluster: { admin_principal_arns: [arn] } }).cluster.admin_principal_arns).toEqual([arn]);
  });
  // AWS's documented partitions pass the ARN's form; the region decides which one the account is in.
  it.each(["arn:aws-cn:iam::111122223333:role/admin", "arn:aws-us-gov:iam::111122223333:user/ops/alice", "arn:aws-iso-b:iam::111122223333:role/admin"])(
    "refuses %s for a region of partition aws, naming both partitions",
    (arn) => {
      expect(() => parse({ ...minimal, cluster: { admin_principal_arns: [arn] } })).toThrow(
        new RegExp(`cluster\\.admin_principal_arns\\[0\\]: .* is in partition ${arn.split(":")[1]}, but eu-west-1 is in partition aws`),
      );
    },
  );
  it("refuses a partition AWS does not document by its form", () => {
    expect(() => parse({ ...minimal, cluster: { admin_principal_arns: ["arn:awsfoo:iam::111122223333:role/admin"] } })).toThrow(
      /cluster\.admin_principal_arns\[0\]: must be an IAM role or user ARN/,
    );
  });
});

describe("region names", () => {
  it.each(KNOWN_REGIONS)("accepts %s, a region with checked facts", (region) => {
    expect(parse({ ...minimal, region }).region).toBe(region);
  });
  it.each(["ap-southeast-7", "us-gov-west-1", "cn-northwest-1", "mx-central-1", "il-central-1"])(
    "refuses %s, a real region without checked facts, by naming the ones it has",
    (region) => {
      expect(() => parse({ ...minimal, region })).toThrow(new RegExp(`region: ${region} is not a region this project has checked facts for`));
    },
  );
});

describe("a VPC CIDR at fault", () => {
  it("is the only error: no subnets are derived from it to fail in turn", () => {
    let message = "";
    try {
      parse({ ...minimal, network: { vpc_cidr: "10.0.0.0/8" } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([expect.stringMatching(/: network\.vpc_cidr: must be between \/16 and \/20/)]);
  });
});

describe("bad descriptors are rejected with the file and field named", () => {
  it.each(bad)("%s", (_name, doc, field, message) => {
    let caught: unknown;
    try {
      parse(doc, "deployments/abc1.yaml");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DeploymentError);
    const text = (caught as Error).message;
    expect(text).toContain(`deployments/abc1.yaml: ${field}: `);
    expect(text).toMatch(message);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(() => parseDeployment("deployment_id: abc1\nenv: [dev\n", "d.yaml")).toThrow(/d\.yaml: \(syntax\): .*line/);
  });

  it("reports duplicate keys", () => {
    expect(() => parseDeployment("deployment_id: abc1\nenv: dev\nenv: prod\nregion: eu-west-1\n", "d.yaml")).toThrow(/d\.yaml: \(syntax\): .*unique/i);
  });
});

describe("a folder of deployments", () => {
  const folder = (files: Record<string, object | string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), "deployments-"));
    for (const [name, doc] of Object.entries(files)) {
      writeFileSync(path.join(dir, name), typeof doc === "string" ? doc : stringify(doc));
    }
    return dir;
  };

  it("does not move a deployment's derived VPC when other deployments join the folder", () => {
    const alone = loadDeployments(folder({ "abc1.yaml": minimal }));
    const together = loadDeployments(folder({ "abc1.yaml": minimal, "abc2.yaml": { ...minimal, deployment_id: "abc2" }, "prd1.yaml": { ...minimal, deployment_id: "prd1" } }));
    expect(together.find((d) => d.deployment_id === "abc1")?.network.vpc_cidr).toBe(alone[0]?.network.vpc_cidr);
    expect(new Set(together.map((d) => d.network.vpc_cidr)).size).toBe(3);
  });

  it("refuses two deployments whose derived VPCs collide, naming both files and a free /16", () => {
    // t000 and t024 both hash to 10.141.0.0/16.
    expect(defaultVpcCidr("t000")).toBe(defaultVpcCidr("t024"));
    const dir = folder({ "t000.yaml": { ...minimal, deployment_id: "t000" }, "t024.yaml": { ...minimal, deployment_id: "t024" } });
    expect(() => loadDeployments(dir)).toThrow(DeploymentError);
    expect(() => loadDeployments(dir)).toThrow(
      new RegExp(
        `^${path.join(dir, "t024.yaml")}: network\\.vpc_cidr: 10\\.141\\.0\\.0/16 \\(the default, derived from its deployment_id\\) overlaps 10\\.141\\.0\\.0/16 \\(the default, derived from its deployment_id\\) of ${path.join(dir, "t000.yaml")}: .*never be peered.*not deployed yet.*e\\.g\\. 10\\.0\\.0\\.0/16, which no deployment here uses$`,
      ),
    );
    // Narrowing does not hide the clash: the folder is one fleet, and the later file is refused either way.
    expect(() => loadDeployments(dir, "t024")).toThrow(/t024\.yaml: network\.vpc_cidr: 10\.141\.0\.0\/16 \(the default/);
    expect(loadDeployments(dir, "t000").map((d) => d.deployment_id)).toEqual(["t000"]);
    // ...and another descriptor that cannot be read at all neither blocks the narrowed run nor hides it.
    writeFileSync(path.join(dir, "t999.yaml"), "deployment_id: [broken\n");
    expect(() => loadDeployments(dir, "t024")).toThrow(/t024\.yaml: network\.vpc_cidr: /);
    expect(loadDeployments(dir, "t000").map((d) => d.deployment_id)).toEqual(["t000"]);
  });

  it("refuses explicitly overlapping VPCs too, and loads once one of them moves", () => {
    const clash = folder({ "abc1.yaml": { ...minimal, network: { vpc_cidr: "10.8.0.0/16" } }, "abc2.yaml": { ...minimal, deployment_id: "abc2", network: { vpc_cidr: "10.8.16.0/20" } } });
    expect(() => loadDeployments(clash)).toThrow(/abc2\.yaml: network\.vpc_cidr: 10\.8\.16\.0\/20 overlaps 10\.8\.0\.0\/16 of .*abc1\.yaml/);
    const moved = folder({ "t000.yaml": { ...minimal, deployment_id: "t000" }, "t024.yaml": { ...minimal, deployment_id: "t024", network: { vpc_cidr: "10.0.0.0/16" } } });
    expect(loadDeployments(moved).map((d) => d.network.vpc_cidr)).toEqual(["10.141.0.0/16", "10.0.0.0/16"]);
  });

  it("loads the built-in default deployment gpp0", () => {
    const [d, ...rest] = loadDeployments(defaultDeploymentsDir());
    expect(rest).toHaveLength(0);
    expect(d).toMatchObject({ deployment_id: "gpp0", env: "dev", region: "eu-west-1" });
  });

  it("rejects two files with the same deployment id", () => {
    const dir = folder({ "abc1.yaml": minimal, "abc1.json": JSON.stringify(minimal) });
    expect(() => loadDeployments(dir)).toThrow(/abc1\.yaml: deployment_id: duplicate deployment id "abc1", also used by .*abc1\.json/);
  });

  it("rejects a file whose name does not match its id", () => {
    const dir = folder({ "other.yaml": minimal });
    expect(() => loadDeployments(dir)).toThrow(/other\.yaml: deployment_id: "abc1" must match the file name/);
  });

  it("reports the problems of every bad file at once", () => {
    const dir = folder({ "abc1.yaml": { ...minimal, env: "qa" }, "abc2.yaml": { ...minimal, deployment_id: "abc2", region: "x" } });
    expect(() => loadDeployments(dir)).toThrow(/abc1\.yaml: env: [\s\S]*abc2\.yaml: region: /);
  });

  it("narrows to one deployment and names an unknown one", () => {
    const dir = folder({ "abc1.yaml": minimal, "abc2.yaml": { ...minimal, deployment_id: "abc2" } });
    expect(loadDeployments(dir, "abc2").map((d) => d.deployment_id)).toEqual(["abc2"]);
    expect(() => loadDeployments(dir, "zzzz")).toThrow(/GPP_DEPLOYMENT: no deployment "zzzz"; found abc1, abc2/);
  });

  it("takes a relative GPP_DEPLOYMENTS_DIR from where pnpm was started, not from the package folder", () => {
    const root = mkdtempSync(path.join(tmpdir(), "caller-"));
    mkdirSync(path.join(root, "mydeps"));
    writeFileSync(path.join(root, "mydeps", "abc1.yaml"), stringify(minimal));
    const found = deploymentsFromEnvironment({ GPP_DEPLOYMENTS_DIR: "mydeps", INIT_CWD: root });
    expect(found.map((d) => d.file)).toEqual([path.join(root, "mydeps", "abc1.yaml")]);
  });

  it("refuses an empty folder", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "deployments-"));
    mkdirSync(path.join(dir, "sub"));
    expect(() => loadDeployments(dir)).toThrow(/holds no deployment files/);
  });
});

describe("the naming function", () => {
  const d = { env: "dev", deployment_id: "gpp0" };
  it("names every resource <env>-<component>-<deployment_id>", () => {
    expect(resourceName(d, "vpc")).toBe("dev-vpc-gpp0");
    expect(clusterName(d)).toBe("dev-eks-gpp0");
    expect(stackName(d, "iac")).toBe("dev-iac-gpp0");
    expect(stackName(d, "helm")).toBe("dev-helm-gpp0");
  });
  it("refuses a component that would make an invalid name", () => {
    expect(() => resourceName(d, "EKS Cluster")).toThrow(/lowercase/);
  });
});
