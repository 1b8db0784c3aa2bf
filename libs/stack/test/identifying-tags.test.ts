import { IDENTIFYING_TAG_KEYS, parseDeployment } from "@gpp/deployment";
import { describe, expect, it } from "vitest";
import { defaultTags } from "../src";

describe("the identifying default tags", () => {
  it("are exactly the keys the descriptor's tag limit counts as the project's own", () => {
    const d = parseDeployment("deployment_id: abc1\nenv: dev\nregion: eu-west-1\n", "abc1.yaml");
    expect(Object.keys(defaultTags(d, "iac")).sort()).toEqual([...IDENTIFYING_TAG_KEYS].sort());
  });
});
