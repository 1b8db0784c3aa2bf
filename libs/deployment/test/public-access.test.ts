import { describe, expect, it } from "vitest";
import { MAX_PUBLIC_ACCESS_PREFIX, publicAccessCidrProblem } from "../src/public-access";

describe("the widest range the public API endpoint may be opened to", () => {
  it("is /16 for IPv4 and /48 for IPv6", () => {
    expect(MAX_PUBLIC_ACCESS_PREFIX).toEqual({ ipv4: 16, ipv6: 48 });
  });

  it.each(["198.51.100.7/32", "198.51.100.0/24", "203.0.0.0/16", "2001:db8::/48", "2001:db8:1:2::/64"])("accepts %s", (cidr) => {
    expect(publicAccessCidrProblem(cidr)).toBeUndefined();
  });

  it.each(["0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8", "203.0.0.0/15", "::/0", "2001:db8::/47"])("refuses %s as too wide", (cidr) => {
    expect(publicAccessCidrProblem(cidr)).toMatch(/is wider than \/(16|48), the widest range the public API endpoint may be opened to$/);
  });

  it("names what is not a CIDR block", () => {
    expect(publicAccessCidrProblem("office")).toBe("office is not a CIDR block");
    expect(publicAccessCidrProblem("198.51.100.7")).toBe("198.51.100.7 is not a CIDR block");
  });
});
