import { describe, expect, it } from "vitest";
import { customerKeysRotate } from "../src/rules/kms";
import { run, stackInput } from "./builders";

describe("AWS-KMS-001 customer-managed keys rotate", () => {
  it("flags a symmetric key without rotation and skips asymmetric keys, which cannot rotate", () => {
    const findings = run(
      customerKeysRotate,
      stackInput({ aws_kms_key: { plain: {}, rotating: { enable_key_rotation: true }, signing: { customer_master_key_spec: "ECC_NIST_P256" } } }),
    );
    expect(findings).toEqual([{ address: "test-stack/aws_kms_key.plain", message: "enable_key_rotation is not true" }]);
  });
});
