import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";

export interface AlertsProps {
  readonly topicName: string;
  readonly emails: readonly string[];
  /** The Prometheus workspace whose alert manager publishes tenant availability alerts here. */
  readonly prometheusWorkspaceArn: string;
}

/**
 * The operators' topic: CloudWatch alarms, AWS Budgets and the Prometheus workspace's alert manager publish
 * here; listed emails are subscribed. The topic is not KMS-encrypted, so AMP needs no key policy grant.
 */
export class Alerts extends Construct {
  readonly topic: SnsTopic;
  /** Budgets and alarms can only publish once this is in place. */
  readonly policy: SnsTopicPolicy;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "topic", { name: props.topicName, displayName: `Alerts ${props.topicName}` });
    this.policy = new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          ...["cloudwatch.amazonaws.com", "budgets.amazonaws.com"].map((service) => ({
            Sid: service.split(".")[0],
            Effect: "Allow",
            Principal: { Service: service },
            Action: "SNS:Publish",
            Resource: this.topic.arn,
            // Only this account's alarms and budgets, not another account's confused deputy.
            Condition: { StringEquals: { "aws:SourceAccount": this.topic.owner } },
          })),
          {
            // AMP's alert manager publishes and reads the topic's attributes (AMP User Guide, "Giving Amazon
            // Managed Service for Prometheus permission to send messages to your Amazon SNS topic"), and only
            // for this deployment's workspace.
            Sid: "aps",
            Effect: "Allow",
            Principal: { Service: "aps.amazonaws.com" },
            Action: ["SNS:Publish", "SNS:GetTopicAttributes"],
            Resource: this.topic.arn,
            Condition: {
              StringEquals: { "aws:SourceAccount": this.topic.owner },
              ArnEquals: { "aws:SourceArn": props.prometheusWorkspaceArn },
            },
          },
        ],
      }),
    });
    props.emails.forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    });
  }
}

/** One alarm: what it watches, when it fires, and what the operator should do. */
export interface AlarmDefinition {
  readonly id: string;
  readonly metric: string;
  readonly statistic: "Average" | "Maximum" | "Sum";
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly runbook: string;
}

/**
 * Signals that users are hurt or soon will be, from Container Insights (namespace `ContainerInsights`,
 * dimension ClusterName). Missing data is not breaching: a cluster with no nodes yet is not an incident.
 */
export const CLUSTER_ALARMS: readonly AlarmDefinition[] = [
  {
    id: "failed-nodes",
    metric: "cluster_failed_node_count",
    statistic: "Maximum",
    threshold: 0,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "A node is failing its health checks. Auto Mode replaces unhealthy nodes: check `kubectl get nodes` and `kubectl get nodeclaims`; if nodes keep failing, look for AZ or capacity problems in the EKS console.",
  },
  {
    id: "container-restarts",
    metric: "pod_number_of_container_restarts",
    statistic: "Sum",
    threshold: 5,
    periodSeconds: 300,
    evaluationPeriods: 1,
    runbook: "Containers are restarting (crash loops or failing liveness probes). Find them with `kubectl get pods -A --sort-by=.status.containerStatuses[0].restartCount` and read `kubectl logs --previous`.",
  },
  {
    id: "node-cpu-high",
    metric: "node_cpu_utilization",
    statistic: "Average",
    threshold: 80,
    periodSeconds: 300,
    evaluationPeriods: 3,
    runbook: "Nodes have averaged over 80% CPU for 15 minutes. Check whether HPAs are at maxReplicas (`kubectl get hpa -A`) and tenant ResourceQuotas are exhausted; raise them or the tenants' limits.",
  },
  {
    id: "node-memory-high",
    metric: "node_memory_utilization",
    statistic: "Average",
    threshold: 80,
    periodSeconds: 300,
    evaluationPeriods: 3,
    runbook: "Nodes have averaged over 80% memory for 15 minutes; pods risk OOM kills and evictions. Check `kubectl top pods -A` for the largest consumers and their memory limits.",
  },
];

export interface ClusterAlarmsProps {
  readonly clusterName: string;
  readonly namePrefix: string;
  readonly topicArn: string;
  readonly alarms?: readonly AlarmDefinition[];
}

export class ClusterAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ClusterAlarmsProps) {
    super(scope, id);
    this.alarms = (props.alarms ?? CLUSTER_ALARMS).map(
      (alarm) =>
        new CloudwatchMetricAlarm(this, alarm.id, {
          alarmName: `${props.namePrefix}-${alarm.id}`,
          alarmDescription: alarm.runbook,
          namespace: "ContainerInsights",
          metricName: alarm.metric,
          dimensions: { ClusterName: props.clusterName },
          statistic: alarm.statistic,
          period: alarm.periodSeconds,
          evaluationPeriods: alarm.evaluationPeriods,
          threshold: alarm.threshold,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [props.topicArn],
          okActions: [props.topicArn],
        }),
    );
  }
}
