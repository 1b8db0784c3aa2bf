/**
 * The request path, internet -> NLB -> Traefik -> tenant Service -> pods, from facts in the two
 * synthesized stacks: zones and subnets from iac's VPC module inputs, the cluster from iac's
 * aws_eks_cluster, the load balancer and Traefik from the ingress release's values, tenants from the
 * tenant releases' values merged over the chart's defaults (as helm merges them).
 */
import { coalesceValues, withChartDefaults, type Values } from "helm/chart-values";
import type { StackGraph, StackNode } from "./graph";
import { edgeLine, escapeLabel, mermaidId, nodeLine } from "./mermaid";

export interface Zone {
  readonly name: string;
  readonly privateSubnet?: string;
  readonly publicSubnet?: string;
}

export interface TenantRoute {
  readonly release: string;
  readonly namespace: string;
  readonly host: string;
  readonly servicePort: number;
  readonly containerPort: number;
  readonly replicas: string;
  /** With off-hours scaling (KEDA): when the tenant runs, e.g. `0 7 * * 1-5 to 0 19 * * 1-5 UTC`. */
  readonly offHours?: string;
  readonly zoneSpread: boolean;
}

export interface RequestPathFacts {
  readonly region: string;
  readonly vpcCidr: string;
  readonly zones: readonly Zone[];
  readonly publicSubnetTags: readonly string[];
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly loadBalancer: { readonly className: string; readonly scheme: string; readonly externalTrafficPolicy: string; readonly tls: boolean };
  readonly ingress: { readonly release: string; readonly namespace: string; readonly chart: string; readonly replicas: string; readonly zoneSpread: boolean };
  readonly tenants: readonly TenantRoute[];
  readonly dnsRecords: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const get = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), value);
const text = (value: unknown): string | undefined => (typeof value === "string" && !value.includes("${") ? value : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** What is missing, naming the stack and the field, instead of a diagram with holes. */
export class MissingFactError extends Error {
  constructor(stack: string, what: string) {
    super(`${stack}: cannot draw the request path: ${what}`);
    this.name = "MissingFactError";
  }
}

const nodesOfType = (graph: StackGraph, type: string, kind: StackNode["kind"] = "resource"): StackNode[] =>
  [...graph.nodes.values()].filter((n) => n.kind === kind && n.type === type).sort((a, b) => a.path.localeCompare(b.path));

/** A release's values: helm merges its `values` documents in order. */
const releaseValues = (node: StackNode): Values =>
  strings(node.body.values).reduce<Values>((merged, doc) => coalesceValues(merged, JSON.parse(doc) as Values), {});

const replicaText = (values: unknown): string => {
  // KEDA owns the HPA when it is on, and scales down to zero out of hours.
  if (get(values, "keda", "enabled") === true) {
    return `0–${String(get(values, "autoscaling", "maxReplicas"))} (KEDA: cron + CPU)`;
  }
  if (get(values, "autoscaling", "enabled") === true) {
    return `${String(get(values, "autoscaling", "minReplicas"))}–${String(get(values, "autoscaling", "maxReplicas"))} (HPA)`;
  }
  const fixed = get(values, "replicaCount") ?? get(values, "deployment", "replicas");
  return fixed === undefined || fixed === null ? "chart default" : String(fixed);
};

const spreadsOverZones = (constraints: unknown): boolean =>
  Array.isArray(constraints) && constraints.some((c) => get(c, "topologyKey") === "topology.kubernetes.io/zone");

export function requestPathFacts(iac: StackGraph, helm: StackGraph): RequestPathFacts {
  const vpc = [...iac.nodes.values()].find((n) => n.kind === "module" && Array.isArray(n.body.azs));
  if (!vpc) throw new MissingFactError(iac.stackName, "no module with an `azs` input (the VPC)");
  const azs = strings(vpc.body.azs);
  const privateSubnets = strings(vpc.body.private_subnets);
  const publicSubnets = strings(vpc.body.public_subnets);
  const zones = azs.map((name, i) => ({
    name,
    ...(privateSubnets[i] ? { privateSubnet: privateSubnets[i] } : {}),
    ...(publicSubnets[i] ? { publicSubnet: publicSubnets[i] } : {}),
  }));
  const [cluster] = nodesOfType(iac, "aws_eks_cluster");
  if (!cluster) throw new MissingFactError(iac.stackName, "no aws_eks_cluster");
  const region = text(get(iac.nodes.get("provider.aws")?.body, "region")) ?? azs[0]?.replace(/[a-z]$/, "") ?? "";

  const releases = nodesOfType(helm, "helm_release").map((node) => ({ node, values: releaseValues(node) }));
  const ingress = releases.find((r) => text(get(r.values, "service", "spec", "loadBalancerClass")));
  if (!ingress) throw new MissingFactError(helm.stackName, "no helm_release whose values set service.spec.loadBalancerClass (the ingress controller)");
  const annotations = get(ingress.values, "service", "annotations");
  const tenants = releases
    .filter((r) => r !== ingress && text(get(r.values, "ingress", "host")))
    .map(({ node, values }) => {
      const merged = withChartDefaults(values);
      const offHours = get(merged, "keda", "enabled") === true ? get(merged, "keda", "offHours") : undefined;
      return {
        ...(isObject(offHours)
          ? { offHours: `${String(offHours.scaleUp)} to ${String(offHours.scaleDown)} ${String(offHours.timezone)}` }
          : {}),
        release: text(node.body.name) ?? node.path,
        namespace: text(node.body.namespace) ?? "default",
        host: text(get(merged, "ingress", "host")) ?? "",
        servicePort: Number(get(merged, "service", "port")),
        containerPort: Number(get(merged, "containerPort")),
        replicas: replicaText(merged),
        zoneSpread: isObject(get(merged, "topologySpread", "zone")),
      };
    })
    .sort((a, b) => a.release.localeCompare(b.release));

  const dnsRecords = [...nodesOfType(iac, "aws_route53_record"), ...nodesOfType(helm, "aws_route53_record")]
    .map((n) => text(n.body.name))
    .filter((name): name is string => Boolean(name) && name!.startsWith("*"))
    .sort();

  return {
    region,
    vpcCidr: text(vpc.body.cidr) ?? "",
    zones,
    publicSubnetTags: Object.entries(isObject(vpc.body.public_subnet_tags) ? vpc.body.public_subnet_tags : {}).map(([k, v]) => `${k}=${String(v)}`),
    clusterName: text(cluster.body.name) ?? cluster.path,
    kubernetesVersion: text(cluster.body.version) ?? "",
    loadBalancer: {
      className: text(get(ingress.values, "service", "spec", "loadBalancerClass")) ?? "",
      scheme: text(get(annotations, "service.beta.kubernetes.io/aws-load-balancer-scheme")) ?? "internal (default)",
      externalTrafficPolicy: text(get(ingress.values, "service", "spec", "externalTrafficPolicy")) ?? "Cluster",
      tls: isObject(annotations) && Object.keys(annotations).some((k) => k.endsWith("aws-load-balancer-ssl-cert")),
    },
    ingress: {
      release: text(ingress.node.body.name) ?? ingress.node.path,
      namespace: text(ingress.node.body.namespace) ?? "default",
      chart: `${text(ingress.node.body.chart) ?? "?"} ${text(ingress.node.body.version) ?? ""}`.trim(),
      replicas: replicaText(ingress.values),
      zoneSpread: spreadsOverZones(get(ingress.values, "topologySpreadConstraints")),
    },
    tenants,
    dnsRecords,
  };
}

/** The part of the hosts after their first label, when every host shares it. */
export function sharedDomain(hosts: readonly string[]): string | undefined {
  const domains = new Set(hosts.map((h) => h.slice(h.indexOf(".") + 1)));
  return domains.size === 1 ? [...domains][0] : undefined;
}

export function requestPathDiagram(facts: RequestPathFacts, tenantsShown = 3): string[] {
  const id = (...parts: string[]) => mermaidId("path", ...parts);
  const zoneNames = facts.zones.map((z) => z.name).join(", ");
  const lines = ["flowchart LR", `  ${nodeLine(id("internet"), ["internet"], "circle")}`];
  lines.push(`  subgraph ${id("public")}["${escapeLabel(`public subnets (${facts.publicSubnetTags.join(", ")})`)}"]`);
  lines.push(
    `    ${nodeLine(id("nlb"), [
      `NLB, ${facts.loadBalancer.scheme}`,
      `class ${facts.loadBalancer.className}`,
      ...facts.zones.map((z) => `${z.name}: ${z.publicSubnet ?? "?"}`),
    ])}`,
  );
  lines.push("  end");
  for (const record of facts.dnsRecords) lines.push(`  ${nodeLine(id("dns", record), ["Route 53", record], "stadium")}`);

  lines.push(`  subgraph ${id("cluster")}["${escapeLabel(`EKS Auto Mode ${facts.clusterName} (Kubernetes ${facts.kubernetesVersion}), private subnets`)}"]`);
  lines.push(`    subgraph ${id("ns", facts.ingress.namespace)}["${escapeLabel(`namespace ${facts.ingress.namespace}`)}"]`);
  lines.push(
    `      ${nodeLine(id("ingress"), [
      `${facts.ingress.release} (${facts.ingress.chart})`,
      `replicas ${facts.ingress.replicas}`,
      facts.ingress.zoneSpread ? `spread over ${zoneNames}` : "no zone spread",
    ])}`,
  );
  lines.push("    end");
  const shown = facts.tenants.slice(0, tenantsShown);
  for (const tenant of shown) {
    lines.push(`    subgraph ${id("ns", tenant.namespace)}["${escapeLabel(`namespace ${tenant.namespace}`)}"]`);
    lines.push(
      `      ${nodeLine(id("svc", tenant.release), [
        `Service ${tenant.release}`,
        `:${tenant.servicePort} -> pod :${tenant.containerPort}`,
        `pods ${tenant.replicas}`,
        ...(tenant.offHours ? [`0 pods outside ${tenant.offHours} (KEDA)`] : []),
      ])}`,
    );
    lines.push("    end");
  }
  const hidden = facts.tenants.length - shown.length;
  if (hidden > 0) lines.push(`    ${nodeLine(id("more"), [`+${hidden} more tenants`, "same path"])}`);
  for (const zone of facts.zones) {
    lines.push(`    subgraph ${id("zone", zone.name)}["${escapeLabel(`${zone.name}, private ${zone.privateSubnet ?? "?"}`)}"]`);
    for (const tenant of shown) lines.push(`      ${nodeLine(id("pods", tenant.release, zone.name), [`${tenant.release} pods`], "round")}`);
    lines.push("    end");
  }
  lines.push("  end");

  const domain = sharedDomain(facts.tenants.map((t) => t.host));
  const entry = [domain ? `*.${domain}` : "tenant hosts", facts.loadBalancer.tls ? "TLS ends at the NLB (ACM)" : ""].filter(Boolean).join(", ");
  lines.push(`  ${edgeLine(id("internet"), id("nlb"), { text: entry })}`);
  for (const record of facts.dnsRecords) lines.push(`  ${edgeLine(id("dns", record), id("nlb"), { dotted: true, text: "resolves to" })}`);
  lines.push(`  ${edgeLine(id("nlb"), id("ingress"), { text: `externalTrafficPolicy ${facts.loadBalancer.externalTrafficPolicy}` })}`);
  for (const tenant of shown) {
    lines.push(`  ${edgeLine(id("ingress"), id("svc", tenant.release), { text: `Host ${tenant.host}` })}`);
    if (!tenant.zoneSpread) continue;
    for (const zone of facts.zones) lines.push(`  ${edgeLine(id("svc", tenant.release), id("pods", tenant.release, zone.name))}`);
  }
  if (hidden > 0) lines.push(`  ${edgeLine(id("ingress"), id("more"))}`);
  return lines;
}
