import { PrometheusAlertManagerDefinition } from "@cdktf/provider-aws/lib/prometheus-alert-manager-definition";
import { PrometheusRuleGroupNamespace } from "@cdktf/provider-aws/lib/prometheus-rule-group-namespace";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { stringify } from "yaml";
import type { WeeklyInterval } from "./on-hours";

/**
 * Per-tenant availability from Traefik's per-service request counter in Amazon Managed Prometheus: one rule
 * group whose expressions aggregate `by (tenant)`, so the Terraform resources are the same two whatever the
 * number of tenants, and alert manager receives one alert instance per failing tenant (label `tenant`).
 * Why this and not a CloudWatch Synthetics canary per tenant host: docs/operations.md#tenant-availability.
 */

/** Traefik v3's request counter per service (pkg/observability/metrics/prometheus.go at v3.7.9: labels code, method, protocol, service). */
export const TRAEFIK_SERVICE_REQUESTS = "traefik_service_requests_total";

/** The helm stack's tenant namespaces are `tenant-<id>` (helm/src/tenant-namespace.ts). */
export const TENANT_NAMESPACE_PREFIX = "tenant-";
/** The service chart's name: its default full name, and so its Service's, is `<release>-tech-interview` (charts/tech-interview/templates/_helpers.tpl). */
export const SERVICE_CHART_NAME = "tech-interview";
/** The chart's Ingress names its backend port `http` (charts/tech-interview/templates/ingress.yaml). */
export const SERVICE_PORT_NAME = "http";
/** Tenant ids are at most 40 characters (libs/deployment schema; test/tenant-availability.test.ts checks the two agree). */
export const MAX_TENANT_ID_LENGTH = 40;

/**
 * Traefik's name for a Kubernetes Ingress backend as its metrics label it: `Normalize(namespace-service-port)`
 * (pkg/provider/kubernetes/ingress/kubernetes.go at v3.7.9: port name when the backend names one; Normalize,
 * pkg/provider/configuration.go, turns every run of non-alphanumerics into one `-`), qualified with
 * `@kubernetes` (pkg/server/provider/provider.go, MakeQualifiedName).
 */
export function traefikIngressServiceLabel(namespace: string, service: string, port: string): string {
  const normalized = `${namespace}-${service}-${port}`.split(/[^\p{L}\p{N}]+/u).filter(Boolean).join("-");
  return `${normalized}@kubernetes`;
}

/** The Traefik service label of one tenant's release: release `<id>` in namespace `tenant-<id>`, chart defaults for its names. */
export function tenantServiceLabel(tenantId: string): string {
  const fullname = tenantId.includes(SERVICE_CHART_NAME) ? tenantId : `${tenantId}-${SERVICE_CHART_NAME}`;
  return traefikIngressServiceLabel(`${TENANT_NAMESPACE_PREFIX}${tenantId}`, fullname, SERVICE_PORT_NAME);
}

/**
 * The tenant id inside a tenant's service label, `tenant-<id>-<id>-tech-interview-http@kubernetes` (or
 * `tenant-<id>-<id>-http@kubernetes` when the id contains the chart's name, the release name then being the
 * full name). The id appears twice and may contain `-`, and Prometheus's RE2 has no back-references, so
 * there is one alternative per id length and shape (L characters, a dash, L characters): the label's length
 * fixes L, and the two shapes never match the same label (what precedes `-http` has an even length in the
 * first, odd in the second), so exactly one alternative matches and its group is the id. The replacement
 * concatenates every group (unmatched ones expand to nothing). A constant: 80 alternatives, whatever the
 * number of tenants.
 */
export function tenantIdPattern(): { regex: string; replacement: string } {
  const lengths = Array.from({ length: MAX_TENANT_ID_LENGTH }, (_, i) => i + 1);
  const twice = (n: number) => `(.{${n}})-.{${n}}`;
  const alternatives = [...lengths.map((n) => `${twice(n)}-${SERVICE_CHART_NAME}`), ...lengths.map(twice)];
  return {
    regex: `${TENANT_NAMESPACE_PREFIX}(?:${alternatives.join("|")})-${SERVICE_PORT_NAME}@kubernetes`,
    replacement: alternatives.map((_, i) => `\${${i + 1}}`).join(""),
  };
}

/** When a tenant counts as unavailable; every figure is in the rule and in docs/operations.md. */
export const AVAILABILITY_THRESHOLDS = {
  /** Rate window of the recording rule. */
  window: "5m",
  /** Share of a tenant's requests answered 5xx (by the service, or by Traefik: 502/503/504) that is an outage. */
  errorRatio: 0.1,
  /** Requests a second a tenant must receive for its ratio to mean anything: 3 a minute. Below it, silence is not an outage. */
  minRequestsPerSecond: 0.05,
  /** How long the condition must hold before the alert fires. */
  for: "10m",
  /** Evaluation interval of the rule group (AMP's default, made explicit for the cost estimate). */
  evaluationIntervalSeconds: 60,
  /**
   * Off-hours schedules: notifications start this long after a scale-up, so a tenant that was asked while
   * at zero (503s) has its pods ready and the 5-minute window clear of those 503s before its alert may be sent.
   */
  warmUpMinutes: 15,
} as const;

export const TENANT_REQUESTS_RECORD = "tenant_code:traefik_service_requests:rate5m";
export const TENANT_UNAVAILABLE_ALERT = "TenantUnavailable";

/** Labels every availability alert carries; alert manager routes on `scope`. */
export const TENANT_ALERT_LABELS = { severity: "page", scope: "tenant-availability" } as const;

export const TENANT_AVAILABILITY_RUNBOOK =
  `At least ${AVAILABILITY_THRESHOLDS.errorRatio * 100}% of this tenant's requests got a 5xx for ${AVAILABILITY_THRESHOLDS.for}. ` +
  "Check `kubectl -n tenant-<tenant> get pods,endpoints` (503 from Traefik: no ready pod), `kubectl -n tenant-<tenant> logs deploy/<tenant>-tech-interview` (500s from the service), and `kubectl -n traefik logs deploy/traefik` (502/504: the pods do not answer in time). See docs/operations.md#tenant-availability.";

/** The recording rule: each tenant's request rate by status code, labelled `tenant`. */
export function tenantRequestRateExpr(): string {
  const { regex, replacement } = tenantIdPattern();
  const series = `${TRAEFIK_SERVICE_REQUESTS}{service=~"${TENANT_NAMESPACE_PREFIX}.+@kubernetes"}`;
  // First the whole service label (a release whose names the chart's defaults do not give still gets an
  // alert of its own), then the id where the label has the default shape.
  const labelled = `label_replace(label_replace(rate(${series}[${AVAILABILITY_THRESHOLDS.window}]), "tenant", "$1", "service", "(.+)"), "tenant", "${replacement}", "service", "${regex}")`;
  return `sum by (tenant, code) (${labelled})`;
}

/**
 * The alert: a tenant whose 5xx share is above the threshold while it receives at least the minimum rate.
 * A tenant with no traffic, or scaled to zero and not asked, has no rate: 0/0 compares false, and the
 * minimum-rate clause drops it, so silence never pages.
 */
export function tenantUnavailableExpr(): string {
  const t = AVAILABILITY_THRESHOLDS;
  const all = `sum by (tenant) (${TENANT_REQUESTS_RECORD})`;
  const errors = `sum by (tenant) (${TENANT_REQUESTS_RECORD}{code=~"5.."})`;
  return `(${errors} / ${all}) > ${t.errorRatio} and ${all} >= ${t.minRequestsPerSecond}`;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval: string;
  readonly rules: readonly Record<string, unknown>[];
}

/** The rules file (Prometheus format, which AMP takes as is: AMP User Guide, "Create a rules file"). */
export function tenantAvailabilityRules(): { groups: RuleGroup[] } {
  return {
    groups: [
      {
        name: "tenant-availability",
        interval: `${AVAILABILITY_THRESHOLDS.evaluationIntervalSeconds}s`,
        rules: [
          { record: TENANT_REQUESTS_RECORD, expr: tenantRequestRateExpr() },
          {
            alert: TENANT_UNAVAILABLE_ALERT,
            expr: tenantUnavailableExpr(),
            for: AVAILABILITY_THRESHOLDS.for,
            labels: { ...TENANT_ALERT_LABELS },
            annotations: {
              summary: "Tenant {{ $labels.tenant }}: {{ $value | humanizePercentage }} of requests answered 5xx",
              runbook: TENANT_AVAILABILITY_RUNBOOK,
            },
          },
        ],
      },
    ],
  };
}

export interface AlertManagerProps {
  readonly topicArn: string;
  readonly region: string;
  /** With an off-hours schedule: the weekly hours tenants are up; availability alerts are sent only then. */
  readonly onHours?: { readonly timezone: string; readonly intervals: readonly WeeklyInterval[] };
}

const ON_HOURS = "tenant-on-hours";
const RECEIVER = "alerts-topic";

/**
 * The alert manager definition AMP takes: a YAML document whose `alertmanager_config` is the Alertmanager
 * configuration as a string (AMP User Guide, "Create an alert manager configuration"), its only receiver
 * the deployment's SNS topic with `sigv4.region` (required by AMP: "Configure alert manager to send messages
 * to your Amazon SNS topic"; `api_url` and `http_config` are refused there, so neither is set).
 */
export function alertManagerDefinition(props: AlertManagerProps): string {
  const availabilityRoute: Record<string, unknown> = {
    receiver: RECEIVER,
    matchers: [`scope="${TENANT_ALERT_LABELS.scope}"`],
    // One notification per tenant: the alert instances differ by `tenant`.
    group_by: ["alertname", "tenant"],
    // On the route, where Alertmanager (0.24+) reads it; `location` needs 0.25. AMP's release is not
    // documented on the pages read here: a refusal would fail the apply, not the paging.
    ...(props.onHours ? { active_time_intervals: [ON_HOURS] } : {}),
  };
  const config: Record<string, unknown> = {
    route: {
      receiver: RECEIVER,
      group_by: ["alertname"],
      group_wait: "30s",
      group_interval: "5m",
      // AMP caps repeat_interval at five days (AMP User Guide); 4h re-sends a page that is still firing.
      repeat_interval: "4h",
      routes: [availabilityRoute],
    },
    receivers: [
      {
        name: RECEIVER,
        sns_configs: [
          {
            topic_arn: props.topicArn,
            sigv4: { region: props.region },
            // A short subject: the default one lists every label, and AMP cuts a subject at 100 characters (AMP
            // User Guide, "Understanding Amazon SNS message validation rules"); with the longest id this is 69.
            subject: "[{{ .Status }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.tenant }}",
            attributes: { severity: "{{ .CommonLabels.severity }}" },
          },
        ],
      },
    ],
    ...(props.onHours
      ? {
          time_intervals: [
            {
              name: ON_HOURS,
              time_intervals: props.onHours.intervals.map((interval) => ({
                weekdays: [interval.weekday],
                times: [{ start_time: interval.start, end_time: interval.end }],
                location: props.onHours!.timezone,
              })),
            },
          ],
        }
      : {}),
  };
  // Every string double-quoted: a YAML 1.1 reader (Alertmanager is written in Go) would take a plain
  // `07:00` for the number 420. The outer document keeps the inner one as a literal block.
  return stringify({ alertmanager_config: stringify(config, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 }) }, { blockQuote: "literal", lineWidth: 0 });
}

export interface TenantAvailabilityAlertsProps {
  readonly workspaceId: string;
  readonly namespaceName: string;
  readonly alertManager: AlertManagerProps;
  /** The topic policy that lets AMP publish: notifications fail until it exists. */
  readonly dependsOn: ITerraformDependable[];
}

/** One rule group namespace and the workspace's alert manager definition: two resources for any number of tenants. */
export class TenantAvailabilityAlerts extends Construct {
  readonly rules: PrometheusRuleGroupNamespace;
  readonly alertManager: PrometheusAlertManagerDefinition;

  constructor(scope: Construct, id: string, props: TenantAvailabilityAlertsProps) {
    super(scope, id);
    this.rules = new PrometheusRuleGroupNamespace(this, "rules", {
      workspaceId: props.workspaceId,
      name: props.namespaceName,
      data: stringify(tenantAvailabilityRules(), { lineWidth: 0 }),
    });
    this.alertManager = new PrometheusAlertManagerDefinition(this, "alert-manager", {
      workspaceId: props.workspaceId,
      definition: alertManagerDefinition(props.alertManager),
      dependsOn: props.dependsOn,
    });
  }
}
