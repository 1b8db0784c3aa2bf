import { describe, expect, it } from "vitest";
import { noAdministratorAccess, noPublicPrincipal, noWildcardActions } from "../src/rules/iam";
import { run, stackInput } from "./builders";

const role = (statement: object) => ({
  aws_iam_role: { r: { name: "r", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } },
});
const trustEks = { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] };

describe("AWS-IAM-001 no wildcard IAM actions", () => {
  it("passes a policy that lists its actions", () => {
    expect(run(noWildcardActions, stackInput(role(trustEks)))).toEqual([]);
  });

  it.each([
    ["the action *", "*"],
    ["a whole service (s3:*)", "s3:*"],
  ])("flags an inline policy allowing %s", (_name, action) => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: action, Resource: "*" } });
    const findings = run(noWildcardActions, stackInput({ aws_iam_role_policy: { p: { role: "r", policy } } }));
    expect(findings).toEqual([{ address: "test-stack/aws_iam_role_policy.p (policy)", message: expect.stringContaining(`"${action}"`) }]);
  });

  it("flags a wildcard in an assume-role policy and in an inline_policy block", () => {
    const doc = (action: string) => JSON.stringify({ Statement: [{ Effect: "Allow", Action: action, Principal: { Service: "ec2.amazonaws.com" } }] });
    const findings = run(
      noWildcardActions,
      stackInput({ aws_iam_role: { r: { assume_role_policy: doc("sts:*"), inline_policy: [{ name: "x", policy: doc("iam:*") }] } } }),
    );
    expect(findings.map((f) => f.address)).toEqual(["test-stack/aws_iam_role.r (assume_role_policy)", "test-stack/aws_iam_role.r (inline_policy[0].policy)"]);
  });

  it("flags an aws_iam_policy_document data source allowing *", () => {
    const findings = run(noWildcardActions, {
      ...stackInput({}),
      stacks: [{ name: "test-stack", json: { data: { aws_iam_policy_document: { d: { statement: [{ actions: ["*"], resources: ["*"] }] } } } } }],
    });
    expect(findings).toEqual([{ address: "test-stack/data.aws_iam_policy_document.d", message: expect.stringContaining('"*"') }]);
  });

  it("flags an Allow with NotAction, which grants every other action", () => {
    const policy = JSON.stringify({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] });
    expect(run(noWildcardActions, stackInput({ aws_iam_policy: { p: { policy } } }))).toEqual([
      { address: "test-stack/aws_iam_policy.p (policy)", message: expect.stringContaining("NotAction [iam:*]") },
    ]);
  });

  it("flags a policy it cannot read (an apply-time expression), but not a reference to an aws_iam_policy_document", () => {
    const findings = run(
      noWildcardActions,
      stackInput({
        aws_iam_policy: {
          opaque: { policy: "${jsonencode(local.policy)}" },
          documented: { policy: "${data.aws_iam_policy_document.d.json}" },
        },
      }),
    );
    expect(findings).toEqual([{ address: "test-stack/aws_iam_policy.opaque (policy)", message: expect.stringContaining("cannot be checked") }]);
  });

  it("flags an inline_policy written as an apply-time expression", () => {
    const findings = run(noWildcardActions, stackInput({ aws_iam_role: { r: { inline_policy: [{ name: "x", policy: "${file(\"policy.json\")}" }] } } }));
    expect(findings).toEqual([{ address: "test-stack/aws_iam_role.r (inline_policy[0].policy)", message: expect.stringContaining("cannot be checked") }]);
  });

  it("leaves a Deny of * alone: it only takes permissions away", () => {
    const policy = JSON.stringify({ Statement: [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] });
    expect(run(noWildcardActions, stackInput({ aws_s3_bucket_policy: { p: { policy } } }))).toEqual([]);
  });
});

describe("AWS-IAM-002 no administrator policy attachments", () => {
  it("passes the EKS managed policies", () => {
    const attachments = { aws_iam_role_policy_attachments_exclusive: { a: { role_name: "r", policy_arns: ["arn:${data.aws_partition.p.partition}:iam::aws:policy/AmazonEKSClusterPolicy"] } } };
    expect(run(noAdministratorAccess, stackInput(attachments))).toEqual([]);
  });

  it("flags AdministratorAccess attached to a role, whatever the partition expression", () => {
    const findings = run(
      noAdministratorAccess,
      stackInput({ aws_iam_role_policy_attachment: { a: { role: "ci", policy_arn: "arn:${data.aws_partition.p.partition}:iam::aws:policy/AdministratorAccess" } } }),
    );
    expect(findings).toEqual([{ address: "test-stack/aws_iam_role_policy_attachment.a", message: expect.stringContaining("AdministratorAccess") }]);
  });

  it("flags IAMFullAccess among exclusive attachments and in managed_policy_arns", () => {
    const findings = run(
      noAdministratorAccess,
      stackInput({
        aws_iam_role_policy_attachments_exclusive: { a: { policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/IAMFullAccess"] } },
        aws_iam_role: { r: { managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } },
      }),
    );
    expect(findings.map((f) => f.address).sort()).toEqual(["test-stack/aws_iam_role.r", "test-stack/aws_iam_role_policy_attachments_exclusive.a"]);
  });
});

describe("AWS-IAM-003 no grants to Principal * without a condition", () => {
  it("passes a topic policy for a service principal limited to this account", () => {
    const policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "budgets.amazonaws.com" }, Action: "SNS:Publish", Condition: { StringEquals: { "aws:SourceAccount": "1" } } }] });
    expect(run(noPublicPrincipal, stackInput({ aws_sns_topic_policy: { p: { policy } } }))).toEqual([]);
  });

  it.each([
    ["Principal: *", "*"],
    ["Principal: {AWS: *}", { AWS: "*" }],
  ])("flags a role anyone can assume (%s)", (_name, principal) => {
    const findings = run(noPublicPrincipal, stackInput(role({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" })));
    expect(findings).toEqual([{ address: "test-stack/aws_iam_role.r (assume_role_policy)", message: expect.stringContaining("anyone") }]);
  });

  it("flags an Allow with NotPrincipal, which grants every principal but the ones listed", () => {
    const statement = { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/blocked" }, Action: "SNS:Publish", Resource: "*" };
    expect(run(noPublicPrincipal, stackInput({ aws_sns_topic_policy: { p: { policy: JSON.stringify({ Statement: [statement] }) } } }))).toEqual([
      { address: "test-stack/aws_sns_topic_policy.p (policy)", message: expect.stringContaining("NotPrincipal") },
    ]);
  });

  it("flags an aws_iam_policy_document granting to identifier * or through not_principals", () => {
    const document = (statement: object) => ({ stacks: [{ name: "test-stack", json: { data: { aws_iam_policy_document: { d: { statement: [statement] } } } } }] });
    const star = { effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }] };
    const allBut = { effect: "Allow", actions: ["sts:AssumeRole"], not_principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }] };
    expect(run(noPublicPrincipal, { ...stackInput({}), ...document(star) })).toHaveLength(1);
    expect(run(noPublicPrincipal, { ...stackInput({}), ...document(allBut) })).toEqual([
      { address: "test-stack/data.aws_iam_policy_document.d", message: expect.stringContaining("NotPrincipal") },
    ]);
  });

  it("accepts Principal * when a condition narrows it (e.g. aws:PrincipalOrgID)", () => {
    const statement = { Effect: "Allow", Principal: "*", Action: "SNS:Publish", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } } };
    expect(run(noPublicPrincipal, stackInput({ aws_sns_topic_policy: { p: { policy: JSON.stringify({ Statement: [statement] }) } } }))).toEqual([]);
  });
});
