import { describe, expect, it } from "vitest";
import { eksZoneIds, isZoneName, REGIONS } from "../src";

describe("the regions list", () => {
  it.each(Object.entries(REGIONS))("%s: every zone ID is of the region, and EKS accepts at least three", (region, facts) => {
    // An AZ ID is the region code's first three letters and its number, then -az<n> (AWS Regions and
    // Availability Zones guide, "AZ IDs"): eu-west-1 -> euw1-az1, us-east-1 -> use1-az1.
    const [geo, direction, number] = region.split("-") as [string, string, string];
    const prefix = `${geo}${direction[0]}${number}-az`;
    for (const id of facts.zoneIds) expect(id.startsWith(prefix), id).toBe(true);
    for (const id of facts.eksUnsupportedZoneIds) expect(facts.zoneIds).toContain(id);
    expect(eksZoneIds(facts).length).toBeGreaterThanOrEqual(3);
    expect(facts.zoneIds.some(isZoneName)).toBe(false);
  });

  it("records the zones the EKS User Guide lists as refused for cluster subnets", () => {
    expect(REGIONS["us-east-1"]?.eksUnsupportedZoneIds).toEqual(["use1-az3"]);
    expect(eksZoneIds(REGIONS["us-east-1"]!)).not.toContain("use1-az3");
  });

  it("tells zone names from zone IDs the way the VPC module does", () => {
    expect(["eu-west-1a", "us-east-1f", "ap-southeast-7b"].map(isZoneName)).toEqual([true, true, true]);
    expect(["euw1-az1", "use1-az6", "apse7-az2"].map(isZoneName)).toEqual([false, false, false]);
  });
});
