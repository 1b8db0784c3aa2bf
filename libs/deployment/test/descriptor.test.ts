import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  DeploymentError,
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
  it("spans the region's a, b and c zones", () => {
    expect(d.availability_zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });
  it("derives 3 private /20 and 3 public /24 subnets from the VPC CIDR", () => {
    expect(d.network.vpc_cidr).toBe("10.0.0.0/16");
    expect(d.network.private_subnets).toEqual(["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]);
    expect(d.network.public_subnets).toEqual(["10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24"]);
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
  const d = parse({ ...minimal, env: "prod", cluster: { public_access_cidrs: ["203.0.113.0/24"] } });
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
  ["an AZ outside the region", { ...minimal, availability_zones: ["eu-west-1a", "eu-west-1b", "us-east-1a"] }, "availability_zones[2]", /not an availability zone of region eu-west-1/],
  ["the same AZ twice", { ...minimal, availability_zones: ["eu-west-1a", "eu-west-1a", "eu-west-1b"] }, "availability_zones", /3 different/],
  ["two AZs", { ...minimal, availability_zones: ["eu-west-1a", "eu-west-1b"] }, "availability_zones", /exactly 3/],
  ["an unquoted Kubernetes version", { ...minimal, cluster: { kubernetes_version: 1.3 } }, "cluster.kubernetes_version", /quoted string such as "1.35"/],
  ["a Kubernetes version that is not a minor version", { ...minimal, cluster: { kubernetes_version: "1.35.1" } }, "cluster.kubernetes_version", /minor version/],
  ["a prod deployment without an API allowlist", { ...minimal, env: "prod" }, "cluster.public_access_cidrs", /required for prod/],
  ["a prod API open to the world", { ...minimal, env: "prod", cluster: { public_access_cidrs: ["0.0.0.0/0"] } }, "cluster.public_access_cidrs", /0.0.0.0\/0 in prod/],
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
  ["off hours in prod", { ...minimal, env: "prod", cluster: { public_access_cidrs: ["203.0.113.0/24"] }, scaling: { off_hours: { scale_up: "0 7 * * 1-5", scale_down: "0 19 * * 1-5" } } }, "scaling.off_hours", /prod never scales to zero/],
  ["a budget of zero", { ...minimal, budget: { monthly_limit_usd: 0 } }, "budget.monthly_limit_usd", /positive/],
  ["a budget that is not a number", { ...minimal, budget: { monthly_limit_usd: "500" } }, "budget.monthly_limit_usd", /number of US dollars/],
  ["a hosted zone without a base domain", { ...minimal, ingress: { hosted_zone: "example.org" } }, "ingress.base_domain", /required with ingress.hosted_zone/],
  ["a base domain outside its hosted zone", { ...minimal, ingress: { hosted_zone: "example.org", base_domain: "apps.example.net" } }, "ingress.base_domain", /not inside the hosted zone example.org/],
  ["an image digest that is not sha256", { ...minimal, service: { image: { digest: "latest" } } }, "service.image.digest", /sha256/],
];

describe("admin principals in every partition", () => {
  it.each(["arn:aws:iam::111122223333:role/admin", "arn:aws-cn:iam::111122223333:role/admin", "arn:aws-us-gov:iam::111122223333:user/ops/alice", "arn:aws-iso-b:iam::111122223333:role/admin"])("accepts %s", (arn) => {
    expect(parse({ ...minimal, cluster: { admin_principal_arns: [arn] } }).cluster.admin_principal_arns).toEqual([arn]);
  });
});

describe("region names", () => {
  it.each(["us-east-1", "eu-west-1", "ap-southeast-7", "us-gov-west-1", "cn-northwest-1", "mx-central-1", "il-central-1"])("accepts %s", (region) => {
    expect(parse({ ...minimal, region }).region).toBe(region);
  });
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
