import { describe, expect, it } from "vitest";
import { topicPublishersBound } from "../src/rules/topic-policies";
import { run, stackInput } from "./builders";

const ACCOUNT = { StringEquals: { "aws:SourceAccount": "${aws_sns_topic.t.owner}" } };
const WORKSPACE = { ArnEquals: { "aws:SourceArn": "${aws_prometheus_workspace.w.arn}" } };
const topicPolicy = (...statements: object[]) => ({
  aws_sns_topic_policy: { p: { arn: "${aws_sns_topic.t.arn}", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } },
});
const publish = (service: string, condition?: object) => ({
  Effect: "Allow",
  Principal: { Service: service },
  Action: "SNS:Publish",
  Resource: "${aws_sns_topic.t.arn}",
  ...(condition ? { Condition: condition } : {}),
});

describe("AWS-IAM-006 topic policies admit service principals only for this account's resources", () => {
  it("passes CloudWatch and Budgets bound to the account, and AMP bound to the account and its workspace", () => {
    const policy = topicPolicy(publish("cloudwatch.amazonaws.com", ACCOUNT), publish("budgets.amazonaws.com", ACCOUNT), publish("aps.amazonaws.com", { ...ACCOUNT, ...WORKSPACE }));
    expect(run(topicPublishersBound, stackInput(policy))).toEqual([]);
  });

  it("flags AMP admitted for any workspace (no aws:SourceArn), and a publisher bound to nothing", () => {
    const findings = run(topicPublishersBound, stackInput(topicPolicy(publish("aps.amazonaws.com", ACCOUNT), publish("cloudwatch.amazonaws.com"))));
    expect(findings).toEqual([
      { address: "test-stack/aws_sns_topic_policy.p (policy)", message: expect.stringMatching(/statement 0 admits aps\.amazonaws\.com without aws:SourceArn \(/) },
      { address: "test-stack/aws_sns_topic_policy.p (policy)", message: expect.stringMatching(/statement 1 admits cloudwatch\.amazonaws\.com without aws:SourceAccount/) },
    ]);
  });

  it("does not count a negated or IfExists condition as binding", () => {
    const weak = { StringNotEquals: { "aws:SourceAccount": "123" }, ArnLikeIfExists: { "aws:SourceArn": "arn:aws:aps:*" } };
    expect(run(topicPublishersBound, stackInput(topicPolicy(publish("aps.amazonaws.com", weak))))).toHaveLength(1);
  });

  it("flags a service principal it has no row for, and a policy it cannot read", () => {
    expect(run(topicPublishersBound, stackInput(topicPolicy(publish("events.amazonaws.com", ACCOUNT))))[0]?.message).toMatch(/admits events\.amazonaws\.com, which has no row/);
    const unreadable = { aws_sns_topic_policy: { p: { arn: "x", policy: "${jsonencode(local.p)}" } } };
    expect(run(topicPublishersBound, stackInput(unreadable))[0]?.message).toMatch(/not a readable policy document/);
  });

  it("leaves Deny statements and account principals to the other rules", () => {
    const deny = { Effect: "Deny", Principal: { Service: "events.amazonaws.com" }, Action: "SNS:Publish", Resource: "*" };
    const account = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "SNS:Publish", Resource: "*" };
    expect(run(topicPublishersBound, stackInput(topicPolicy(deny, account)))).toEqual([]);
  });
});
