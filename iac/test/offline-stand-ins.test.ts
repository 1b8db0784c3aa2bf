import { describe, expect, it } from "vitest";
import { OFFLINE_CALLER_ARN, replaceAwsDataSources } from "../plan/prepare";
import { synthIac } from "./helpers";

describe("stand-ins for data sources that need AWS, in the offline copy", () => {
  it("replaces every reference with a literal and removes the data sources, keeping the ones computed locally", () => {
    const { tf } = synthIac();
    const standIns = replaceAwsDataSources(tf);
    expect(Object.keys(tf.data)).toEqual(["aws_partition"]);
    const text = JSON.stringify(tf);
    expect(text).not.toMatch(/data\.aws_(caller_identity|iam_session_context|eks_addon_version)\./);
    expect(text).toContain(`concat([${JSON.stringify(OFFLINE_CALLER_ARN).replace(/"/g, '\\"')}]`);
    expect(standIns.map((s) => `${s.address.split(".")[1]}.${s.attribute}`).sort()).toEqual([
      "aws_caller_identity.account_id",
      "aws_eks_addon_version.version",
      "aws_eks_addon_version.version",
      "aws_iam_session_context.issuer_arn",
    ]);
  });

  it("stands in for the hosted zone too, so a TLS deployment plans offline", () => {
    const { tf } = synthIac({ deployment_id: "gpp0", env: "dev", region: "eu-west-1", ingress: { hosted_zone: "example.org", base_domain: "gpp0.example.org" } });
    const standIns = replaceAwsDataSources(tf);
    expect(standIns.filter((s) => s.address.startsWith("data.aws_route53_zone.")).map((s) => s.attribute)).toEqual(["zone_id"]);
  });

  it("refuses a reference to an attribute it has no stand-in for, naming it", () => {
    const { tf } = synthIac();
    const identity = Object.keys(tf.data.aws_caller_identity)[0];
    tf.output.cluster_name.value = `\${data.aws_caller_identity.${identity}.user_id_typo}`;
    expect(() => replaceAwsDataSources(tf)).toThrow(`data.aws_caller_identity.${identity}.user_id_typo: no offline stand-in for this attribute of aws_caller_identity`);
  });
});
