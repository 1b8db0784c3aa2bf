import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import { DeploymentError, parseDeployment } from "@gpp/deployment";
import { runEntryPoint } from "@gpp/testing/in-process";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { weeklyOnHours } from "../src/on-hours";
import {
  AVAILABILITY_THRESHOLDS,
  MAX_TENANT_ID_LENGTH,
  TENANT_ALERT_LABELS,
  TENANT_REQUESTS_RECORD,
  TENANT_UNAVAILABLE_ALERT,
  tenantServiceLabel,
  traefikIngressServiceLabel,
} from "../src/tenant-availability";
import { defaultDoc, only, prodDoc, synthIac } from "./helpers";

/** A PromQL syntax tree from the Prometheus project's own grammar (@prometheus-io/lezer-promql 0.315.0). */
interface Node {
  readonly name: string;
  readonly text: string;
  readonly children: Node[];
}

function parsePromQL(expr: string): Node {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const build = (cursor: ReturnType<typeof tree.cursor>): Node => {
    const node: Node = { name: cursor.name, text: expr.slice(cursor.from, cursor.to), children: [] };
    if (cursor.type.isError) errors.push(`at ${cursor.from}: ${expr.slice(Math.max(0, cursor.from - 20), cursor.from + 20)}`);
    if (cursor.firstChild()) {
      do node.children.push(build(cursor));
      while (cursor.nextSibling());
      cursor.parent();
    }
    return node;
  };
  const root = build(tree.cursor());
  if (errors.length > 0) throw new Error(`invalid PromQL ${errors.join("; ")}`);
  return root.children[0]!;
}

const find = (node: Node, name: string): Node[] => [...(node.name === name ? [node] : []), ...node.children.flatMap((c) => find(c, name))];
const child = (node: Node, name: string): Node => {
  const found = node.children.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} under ${node.name}: ${node.text}`);
  return found;
};
const grouping = (aggregate: Node): string[] => find(child(aggregate, "AggregateModifier"), "LabelName").map((l) => l.text);
const operator = (binary: Node): string => binary.children[1]!.name;
const unquote = (literal: Node): string => JSON.parse(literal.text) as string;

/**
 * Prometheus's label_replace on one series' labels (promql/functions.go): the regex is anchored
 * (`^(?:regex)$`), and on a match the target label is set to the replacement with `$n`/`${n}` expanded
 * (unmatched groups expand to ""); without a match the series is unchanged. JavaScript's RegExp and Go's
 * RE2 agree on what these regexes use: `.`, `{n}`, groups and alternation.
 */
function labelReplace(labels: Record<string, string>, [dst, replacement, src, regex]: string[]): Record<string, string> {
  const match = new RegExp(`^(?:${regex})$`, "s").exec(labels[src!] ?? "");
  if (!match) return labels;
  return { ...labels, [dst!]: replacement!.replace(/\$\{(\d+)\}|\$(\d+)/g, (_, a: string, b: string) => match[Number(a ?? b)] ?? "") };
}

/** The label_replace calls of an expression, innermost first, as their four string arguments. */
function labelReplaces(expr: Node): string[][] {
  return find(expr, "FunctionCall")
    .filter((call) => call.children[0]!.text === "label_replace")
    .map((call) => find(child(call, "FunctionCallBody"), "StringLiteral").slice(-4).map(unquote))
    .reverse();
}

const tenantsDoc = (ids: readonly string[]) => ({ ...defaultDoc, tenants: ids.map((id) => ({ id })) });
const dev = synthIac();

function rulesOf(tf: ReturnType<typeof synthIac>["tf"]) {
  const namespace = only(tf, "aws_prometheus_rule_group_namespace");
  const [group] = parse(namespace.data).groups;
  const record = group.rules.find((r: { record?: string }) => r.record === TENANT_REQUESTS_RECORD);
  const alert = group.rules.find((r: { alert?: string }) => r.alert === TENANT_UNAVAILABLE_ALERT);
  return { namespace, group, record, alert };
}

function alertManagerOf(tf: ReturnType<typeof synthIac>["tf"]) {
  const definition = only(tf, "aws_prometheus_alert_manager_definition");
  const outer = parse(definition.definition);
  return { definition, outer, config: parse(outer.alertmanager_config) };
}

describe("the availability rules are valid PromQL of the intended shape", () => {
  const { group, record, alert } = rulesOf(dev.tf);

  it("records each tenant's request rate by status code from Traefik's per-service counter", () => {
    const tree = parsePromQL(record.expr);
    expect(tree.name).toBe("AggregateExpr");
    expect(child(tree, "AggregateOp").text).toBe("sum");
    expect(grouping(tree)).toEqual(["tenant", "code"]);
    const [rate] = find(tree, "FunctionCall").filter((call) => call.children[0]!.text === "rate");
    const matrix = find(rate!, "MatrixSelector")[0]!;
    expect(find(matrix, "Identifier")[0]!.text).toBe("traefik_service_requests_total");
    const [matcher] = find(matrix, "UnquotedLabelMatcher");
    expect(matcher!.children.map((c) => c.text)).toEqual(["service", "=~", '"tenant-.+@kubernetes"']);
    expect(child(matrix, "DurationExpr").text).toBe(AVAILABILITY_THRESHOLDS.window);
    // Both label_replace calls write `tenant` from `service`.
    expect(labelReplaces(tree).map(([dst, , src]) => [dst, src])).toEqual([
      ["tenant", "service"],
      ["tenant", "service"],
    ]);
  });

  it("alerts per tenant on the 5xx share, only while the tenant has at least the minimum request rate", () => {
    const tree = parsePromQL(alert.expr);
    expect(tree.name).toBe("BinaryExpr");
    expect(operator(tree)).toBe("And");
    const [ratio, traffic] = [tree.children[0]!, tree.children[2]!];
    // (5xx / all) > errorRatio
    expect(operator(ratio)).toBe("Gtr");
    expect(Number(ratio.children[2]!.text)).toBe(AVAILABILITY_THRESHOLDS.errorRatio);
    const division = find(ratio.children[0]!, "BinaryExpr")[0]!;
    expect(operator(division)).toBe("Div");
    const [errors, all] = [division.children[0]!, division.children[2]!];
    for (const side of [errors, all]) {
      expect(side.name).toBe("AggregateExpr");
      expect(grouping(side)).toEqual(["tenant"]);
      expect(find(side, "Identifier")[0]!.text).toBe(TENANT_REQUESTS_RECORD);
    }
    expect(find(errors, "UnquotedLabelMatcher")[0]!.children.map((c) => c.text)).toEqual(["code", "=~", '"5.."']);
    expect(find(all, "UnquotedLabelMatcher")).toEqual([]);
    // all >= minRequestsPerSecond: silence (no rate, or 0/0) never pages.
    expect(operator(traffic)).toBe("Gte");
    expect(grouping(traffic.children[0]!)).toEqual(["tenant"]);
    expect(Number(traffic.children[2]!.text)).toBe(AVAILABILITY_THRESHOLDS.minRequestsPerSecond);
  });

  it("fires after the condition holds for a while, carries the routing labels and a runbook, and is evaluated every minute", () => {
    expect(group.interval).toBe("60s");
    expect(group.rules.indexOf(record)).toBeLessThan(group.rules.indexOf(alert));
    expect(alert.for).toBe(AVAILABILITY_THRESHOLDS.for);
    expect(alert.labels).toEqual(TENANT_ALERT_LABELS);
    expect(alert.annotations.summary).toContain("{{ $labels.tenant }}");
    expect(alert.annotations.runbook).toMatch(/kubectl -n tenant-/);
  });

  it("rejects what is not PromQL (the parser is not a rubber stamp)", () => {
    expect(() => parsePromQL("sum by (tenant (rate(x[5m]))")).toThrow(/invalid PromQL/);
  });
});

describe("one alert instance per tenant, from a constant number of Terraform resources", () => {
  // Short, long, dashed, ids that are prefixes or doubles of each other, and ids holding the chart's name.
  const ids = ["a", "ab", "ab-ab", "a-b-a-b", "shop-eu-west", "x".repeat(MAX_TENANT_ID_LENGTH), "tech-interview", "my-tech-interview", "tech", ...Array.from({ length: 41 }, (_, i) => `t${i}${"-y".repeat(i % 19)}`)];
  const fifty = synthIac(tenantsDoc(ids));
  const one = synthIac(tenantsDoc(["acme"]));

  it("labels each tenant's series with its own id, whatever its length or dashes", () => {
    const replaces = labelReplaces(parsePromQL(rulesOf(fifty.tf).record.expr));
    const tenantOf = (service: string) => replaces.reduce((labels, args) => labelReplace(labels, args), { service } as Record<string, string>).tenant;
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(tenantOf(tenantServiceLabel(id))).toBe(id);
    // A release named otherwise (e.g. fullnameOverride) still gets an alert of its own, named by its service.
    const renamed = traefikIngressServiceLabel("tenant-acme", "web", "http");
    expect(tenantOf(renamed)).toBe(renamed);
  });

  it("models Traefik's service name for the chart's Ingress backend", () => {
    expect(tenantServiceLabel("acme")).toBe("tenant-acme-acme-tech-interview-http@kubernetes");
    // A release whose name contains the chart's name is the full name by itself (_helpers.tpl).
    expect(tenantServiceLabel("my-tech-interview")).toBe("tenant-my-tech-interview-my-tech-interview-http@kubernetes");
  });

  it("caps tenant ids at the length the descriptor allows", () => {
    const withId = (id: string) => () => parseDeployment(JSON.stringify(tenantsDoc([id])), "t.yaml");
    expect(withId("x".repeat(MAX_TENANT_ID_LENGTH))).not.toThrow();
    expect(withId("x".repeat(MAX_TENANT_ID_LENGTH + 1))).toThrow(DeploymentError);
  });

  it("synthesizes the same resources for 1 and 50 tenants: one rule group namespace and one alert manager definition", () => {
    const counts = (tf: typeof one.tf) => Object.fromEntries(Object.entries(tf.resource as Record<string, object>).map(([type, r]) => [type, Object.keys(r).length]));
    expect(counts(fifty.tf)).toEqual(counts(one.tf));
    expect(counts(one.tf)).toMatchObject({ aws_prometheus_rule_group_namespace: 1, aws_prometheus_alert_manager_definition: 1 });
    // The rules do not list tenants: adding one needs no iac apply.
    expect(only(fifty.tf, "aws_prometheus_rule_group_namespace").data).toBe(only(one.tf, "aws_prometheus_rule_group_namespace").data);
  });
});

describe("alert manager sends to the deployment's alerts topic", () => {
  const { definition, outer, config } = alertManagerOf(dev.tf);
  const prod = alertManagerOf(synthIac(prodDoc).tf);

  it("is the document AMP takes: alertmanager_config as a string holding an SNS receiver with a sigv4 region", () => {
    expect(Object.keys(outer)).toEqual(["alertmanager_config"]);
    expect(typeof outer.alertmanager_config).toBe("string");
    expect(definition.workspace_id).toMatch(/^\$\{aws_prometheus_workspace\.prometheus_workspace_\w+\.id\}$/);
    expect(config.receivers).toHaveLength(1);
    const [sns] = config.receivers[0].sns_configs;
    expect(sns.topic_arn).toMatch(/^\$\{aws_sns_topic\.alerts_topic_\w+\.arn\}$/);
    expect(sns.sigv4).toEqual({ region: "eu-west-1" });
    // AMP refuses these in an SNS receiver.
    expect(sns).not.toHaveProperty("api_url");
    expect(sns).not.toHaveProperty("http_config");
    expect(config.route.receiver).toBe(config.receivers[0].name);
    // AMP cuts a subject at 100 characters: the longest id, in the longest status, still fits.
    const subject = String(sns.subject)
      .replace("{{ .Status }}", "resolved")
      .replace("{{ .CommonLabels.alertname }}", TENANT_UNAVAILABLE_ALERT)
      .replace("{{ .CommonLabels.tenant }}", "x".repeat(MAX_TENANT_ID_LENGTH));
    expect(subject).not.toContain("{{");
    expect(subject.length).toBeLessThanOrEqual(100);
    // AMP caps repeat_interval at five days.
    expect(config.route.repeat_interval).toBe("4h");
  });

  it("routes the rule's alerts by their labels, one notification group per tenant", () => {
    const [route] = config.route.routes;
    expect(route.receiver).toBe(config.receivers[0].name);
    const matchers = Object.fromEntries((route.matchers as string[]).map((m) => m.match(/^(\w+)="(.*)"$/)!.slice(1)));
    expect(Object.entries(matchers).every(([k, v]) => (TENANT_ALERT_LABELS as Record<string, string>)[k] === v)).toBe(true);
    expect(route.group_by).toEqual(["alertname", "tenant"]);
  });

  it("sends tenant alerts only in the off-hours schedule's up hours, as wall-clock times in its zone", () => {
    const [route] = config.route.routes;
    expect(route.active_time_intervals).toEqual(["tenant-on-hours"]);
    const [interval] = config.time_intervals;
    expect(interval.name).toBe("tenant-on-hours");
    expect(interval.time_intervals.map((t: { weekdays: string[] }) => t.weekdays[0])).toEqual(["monday", "tuesday", "wednesday", "thursday", "friday"]);
    // From the warm-up after the default 07:00 scale-up to the 19:00 scale-down.
    expect(interval.time_intervals[0]).toEqual({ weekdays: ["monday"], times: [{ start_time: "07:15", end_time: "19:00" }], location: "UTC" });
    // Alertmanager reads YAML in Go: times must stay strings for a YAML 1.1 reader too (a plain 07:00 is 420 there).
    const asYaml11 = parse(outer.alertmanager_config, { version: "1.1" });
    expect(asYaml11.time_intervals[0].time_intervals[0].times[0].start_time).toBe("07:15");
  });

  it("in prod (never scaled to zero) sends tenant alerts at any hour", () => {
    expect(prod.config.route.routes[0]).not.toHaveProperty("active_time_intervals");
    expect(prod.config).not.toHaveProperty("time_intervals");
  });

  it("lets this deployment's workspace, and only it, publish to the topic, and is created after that policy", () => {
    const policy = JSON.parse(only(dev.tf, "aws_sns_topic_policy").policy);
    const aps = policy.Statement.find((s: { Principal: { Service: string } }) => s.Principal.Service === "aps.amazonaws.com");
    expect(aps.Action).toEqual(["SNS:Publish", "SNS:GetTopicAttributes"]);
    expect(aps.Condition.ArnEquals["aws:SourceArn"]).toMatch(/^\$\{aws_prometheus_workspace\.prometheus_workspace_\w+\.arn\}$/);
    expect(aps.Condition.StringEquals["aws:SourceAccount"]).toMatch(/aws_sns_topic\.alerts_topic_\w+\.owner/);
    expect(definition.depends_on).toEqual([`aws_sns_topic_policy.${Object.keys(dev.tf.resource.aws_sns_topic_policy)[0]}`]);
  });
});

describe("up hours of the off-hours schedule", () => {
  it("splits an overnight schedule at midnight and follows the time zone's wall clock", () => {
    const result = weeklyOnHours({ timezone: "Europe/Amsterdam", scale_up: "30 22 * * 0", scale_down: "0 6 * * 1" });
    expect(result).toEqual({
      intervals: [
        { weekday: "monday", start: "00:00", end: "06:00" },
        { weekday: "sunday", start: "22:30", end: "24:00" },
      ],
    });
  });

  it("keeps tenants up across days when a scale-up has no scale-down the same day", () => {
    const result = weeklyOnHours({ timezone: "UTC", scale_up: "0 8 * * 1", scale_down: "0 18 * * 5" });
    expect("intervals" in result && result.intervals.map((i) => `${i.weekday} ${i.start}-${i.end}`)).toEqual([
      "monday 08:00-24:00",
      "tuesday 00:00-24:00",
      "wednesday 00:00-24:00",
      "thursday 00:00-24:00",
      "friday 00:00-18:00",
    ]);
  });

  it("leaves the warm-up after each scale-up out, also across midnight, and drops an up period shorter than it", () => {
    const overnight = weeklyOnHours({ timezone: "UTC", scale_up: "50 23 * * 0", scale_down: "0 6 * * 1" }, 15);
    expect(overnight).toEqual({ intervals: [{ weekday: "monday", start: "00:05", end: "06:00" }] });
    const brief = weeklyOnHours({ timezone: "UTC", scale_up: "0 7 * * 1", scale_down: "10 7 * * 1" }, 15);
    expect(brief).toEqual({ intervals: [] });
    expect(weeklyOnHours({ timezone: "UTC", scale_up: "0 7 * * *", scale_down: "0 19 * * *" }, 15)).toMatchObject({ intervals: expect.arrayContaining([{ weekday: "sunday", start: "07:15", end: "19:00" }]) });
  });

  it("refuses a schedule that does not repeat weekly, naming the field", () => {
    expect(weeklyOnHours({ timezone: "UTC", scale_up: "0 7 1 * *", scale_down: "0 19 * * *" })).toMatchObject({ field: "scaling.off_hours.scale_up" });
    // The second Monday and the last Friday of a month (cron-parser accepts both) are monthly, not weekly.
    expect(weeklyOnHours({ timezone: "UTC", scale_up: "0 7 * * 1#2", scale_down: "0 19 * * *" })).toMatchObject({ field: "scaling.off_hours.scale_up" });
    expect(weeklyOnHours({ timezone: "UTC", scale_up: "0 7 * * *", scale_down: "0 19 * * 5L" })).toMatchObject({ field: "scaling.off_hours.scale_down" });
  });

  it("reads Sunday as 0, 7 or SUN, day names and lists, as cron does", () => {
    const sunday = { intervals: [{ weekday: "sunday", start: "09:00", end: "17:00" }] };
    for (const day of ["0", "7", "SUN", "sun"]) {
      expect(weeklyOnHours({ timezone: "UTC", scale_up: `0 9 * * ${day}`, scale_down: `0 17 * * ${day}` }), day).toEqual(sunday);
    }
    const result = weeklyOnHours({ timezone: "UTC", scale_up: "0 9 * * MON-WED,FRI", scale_down: "30 16 * * 1-5" });
    expect("intervals" in result && result.intervals.map((i) => `${i.weekday} ${i.start}-${i.end}`)).toEqual([
      "monday 09:00-16:30",
      "tuesday 09:00-16:30",
      "wednesday 09:00-16:30",
      "friday 09:00-16:30",
    ]);
  });

  it("stops synth with the file and the field for such a descriptor, writing no stack", async () => {
    const deployments = mkdtempSync(path.join(tmpdir(), "deployments-"));
    const file = path.join(deployments, "mon1.yaml");
    writeFileSync(file, "deployment_id: mon1\nenv: dev\nregion: eu-west-1\nscaling:\n  off_hours:\n    scale_up: '0 7 * 1-6 1-5'\n    scale_down: '0 19 * * 1-5'\n");
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), "iac-out-")), "cdktf.out");
    // In this worker: bad-input.test.ts keeps the one real spawn of the synth entry point.
    const run = await runEntryPoint(path.resolve(import.meta.dirname, "../src/main.ts"), [], { GPP_DEPLOYMENTS_DIR: deployments, CDKTF_OUTDIR: outdir });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}: scaling.off_hours.scale_up: "0 7 * 1-6 1-5" must repeat weekly`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // cdktf's App makes its (empty) output folders when constructed, before any stack can refuse input.
    expect(existsSync(path.join(outdir, "stacks", "dev-iac-mon1"))).toBe(false);
  });
});
