import { describe, expect, it } from "vitest";
import { resolveHelm } from "../src/tools";

describe("helm resolution", () => {
  it("explains why when $HELM points at nothing runnable", () => {
    expect(resolveHelm({ HELM: "/nonexistent/helm", PATH: "" })).toEqual({
      found: false,
      reason: "$HELM is set to /nonexistent/helm, which is not an executable file",
    });
  });
});
