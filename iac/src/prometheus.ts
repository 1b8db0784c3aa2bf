import { PrometheusScraper } from "@cdktf/provider-aws/lib/prometheus-scraper";
import { PrometheusWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace";
import { Construct } from "constructs";
import { stringify } from "yaml";

/**
 * Scrapes every pod annotated `prometheus.io/scrape: "true"` (Traefik's metrics among them), honouring the
 * `prometheus.io/path` and `prometheus.io/port` annotations, the convention the Traefik chart follows.
 */
export function podAnnotationScrapeConfig(intervalSeconds: number): string {
  return stringify({
    global: { scrape_interval: `${intervalSeconds}s` },
    scrape_configs: [
      {
        job_name: "kubernetes-pods",
        kubernetes_sd_configs: [{ role: "pod" }],
        relabel_configs: [
          { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
          { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
          {
            source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
            action: "replace",
            regex: "([^:]+)(?::\\d+)?;(\\d+)",
            replacement: "$1:$2",
            target_label: "__address__",
          },
          { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
          { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
        ],
      },
    ],
  });
}

export interface PrometheusMetricsProps {
  readonly alias: string;
  readonly clusterArn: string;
  readonly clusterSecurityGroupId: string;
  readonly subnetIds: string[];
}

/**
 * Amazon Managed Service for Prometheus with an AWS-managed, agentless collector inside the cluster's VPC:
 * nothing to run or patch in the cluster. The cluster's authentication mode is `API`, so creating the
 * scraper also creates its EKS access entry and read-only access policy (AMP User Guide, "Configure Amazon
 * EKS for scraper access with access entries"); an access entry of our own for the same role would fail
 * with "already in use".
 */
export class PrometheusMetrics extends Construct {
  readonly workspace: PrometheusWorkspace;
  readonly scraper: PrometheusScraper;

  constructor(scope: Construct, id: string, props: PrometheusMetricsProps) {
    super(scope, id);
    this.workspace = new PrometheusWorkspace(this, "workspace", { alias: props.alias });
    this.scraper = new PrometheusScraper(this, "collector", {
      alias: props.alias,
      scrapeConfiguration: podAnnotationScrapeConfig(30),
      source: [{ eks: [{ clusterArn: props.clusterArn, subnetIds: props.subnetIds, securityGroupIds: [props.clusterSecurityGroupId] }] }],
      destination: [{ amp: [{ workspaceArn: this.workspace.arn }] }],
    });
  }
}
