import { resources } from "../terraform";
import type { Rule } from "../types";

export const customerKeysRotate: Rule = {
  id: "AWS-KMS-001",
  title: "Every customer-managed symmetric KMS key rotates",
  control: "Key material of every KMS key a stack creates is rotated automatically (AWS-managed keys rotate on their own).",
  check: (input) =>
    resources(input.stacks, ["aws_kms_key"])
      .filter((key) => (key.body.customer_master_key_spec ?? key.body.key_spec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT")
      .flatMap((key) => (key.body.enable_key_rotation === true ? [] : [{ address: key.address, message: "enable_key_rotation is not true" }])),
};

export const KMS_RULES: readonly Rule[] = [customerKeysRotate];
