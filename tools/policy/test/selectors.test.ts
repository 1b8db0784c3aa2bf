import { describe, expect, it } from "vitest";
import { selects } from "../src/kubernetes";

const labels = { app: "web", tier: "front" };

describe("selects: label selectors as Kubernetes reads them for NetworkPolicy podSelector", () => {
  it.each([
    ["an empty selector selects every pod", {}, true],
    ["matchLabels that all match", { matchLabels: { app: "web" } }, true],
    ["matchLabels with one mismatch", { matchLabels: { app: "web", tier: "back" } }, false],
    ["In with the pod's value", { matchExpressions: [{ key: "app", operator: "In", values: ["api", "web"] }] }, true],
    ["In without the pod's value", { matchExpressions: [{ key: "app", operator: "In", values: ["api"] }] }, false],
    ["In on a label the pod lacks", { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }, false],
    ["NotIn with the pod's value", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, false],
    ["NotIn on a label the pod lacks", { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
    ["Exists on a label the pod has", { matchExpressions: [{ key: "tier", operator: "Exists" }] }, true],
    ["Exists on a label the pod lacks", { matchExpressions: [{ key: "zone", operator: "Exists" }] }, false],
    ["DoesNotExist on a label the pod has", { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
    ["DoesNotExist on a label the pod lacks", { matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, true],
    ["an unknown operator, which Kubernetes would refuse", { matchExpressions: [{ key: "app", operator: "Like", values: ["w"] }] }, false],
    ["no selector at all (a missing podSelector is not 'everything')", undefined, false],
  ] as const)("%s", (_name, selector, expected) => {
    expect(selects(selector, labels)).toBe(expected);
  });
});
