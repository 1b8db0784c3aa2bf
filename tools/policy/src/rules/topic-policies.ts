/**
 * Who may publish to the stacks' SNS topics: every service principal a topic policy admits is bound to this
 * account's own resources (confused-deputy prevention), as far as AWS documents the keys each service sends.
 */
import { blocks, readPolicy } from "../terraform";
import type { Rule, Violation } from "../types";
import { binds, type TrustConditionKey } from "./iam-roles";

/**
 * Service principals a topic policy may admit, the condition keys the rule requires for each, and where AWS
 * documents them. A principal missing here is a finding, so a new publisher gets a decision and a source.
 */
export const PUBLISHING_SERVICE_CONDITIONS: Readonly<Record<string, { readonly required: readonly TrustConditionKey[]; readonly source: string }>> = {
  "cloudwatch.amazonaws.com": {
    required: ["aws:SourceAccount"],
    source: "aws:SourceAccount, as iac/src/monitoring.ts binds it: the global condition key for a service acting for an account; the CloudWatch page on it was not re-read here",
  },
  "budgets.amazonaws.com": {
    required: ["aws:SourceAccount"],
    source: "aws:SourceAccount, as iac/src/monitoring.ts binds it: the global condition key for a service acting for an account; the AWS Budgets page on it was not re-read here",
  },
  "aps.amazonaws.com": {
    required: ["aws:SourceAccount", "aws:SourceArn"],
    source:
      "AMP User Guide, \"Giving Amazon Managed Service for Prometheus permission to send messages to your Amazon SNS topic\": " +
      "aws:SourceAccount and aws:SourceArn = the workspace ARN (the page's policy text was not in the copies read here)",
  },
};

export const topicPublishersBound: Rule = {
  id: "AWS-IAM-006",
  title: "SNS topic policies admit service principals only for this account's resources",
  control:
    "Every Allow statement of an aws_sns_topic_policy that admits a service principal binds the confused-deputy keys AWS " +
    "documents for it: aws:SourceAccount for CloudWatch and AWS Budgets, aws:SourceAccount and aws:SourceArn (the workspace) " +
    "for Amazon Managed Prometheus; an unlisted principal or an unreadable policy is a finding.",
  check: ({ stacks }) =>
    stacks.flatMap((stack) =>
      blocks(stack, ["resource"], ["aws_sns_topic_policy"]).flatMap((topicPolicy): Violation[] => {
        const address = `${topicPolicy.address} (policy)`;
        const statements = readPolicy(stack, topicPolicy.body.policy);
        if (!statements) return [{ address, message: "the topic policy is not a readable policy document, so who may publish cannot be reviewed" }];
        return statements.flatMap((statement, i) => {
          if (statement.effect !== "Allow") return [];
          const where = `statement ${statement.sid ?? i}`;
          return statement.principals
            .filter((p) => p.startsWith("Service:"))
            .map((p) => p.slice("Service:".length))
            .flatMap((service): Violation[] => {
              const row = PUBLISHING_SERVICE_CONDITIONS[service];
              if (!row) return [{ address, message: `${where} admits ${service}, which has no row in the table of topic publishers and the source conditions AWS documents for them` }];
              const missing = row.required.filter((key) => !binds(statement, key));
              return missing.length === 0 ? [] : [{ address, message: `${where} admits ${service} without ${missing.join(" and ")} (confused-deputy prevention; ${row.source.split(": ")[0]})` }];
            });
        });
      }),
    ),
};

export const TOPIC_POLICY_RULES: readonly Rule[] = [topicPublishersBound];
