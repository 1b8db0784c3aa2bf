import ipaddr from "ipaddr.js";

/**
 * The widest network a prod cluster's public Kubernetes API endpoint may be opened to, per listed range.
 * A public-access list is for office, VPN and CI egress ranges (/32 to /24 in practice, a company's own
 * allocation at most): /16 (65,536 addresses) leaves room for those, while a list of wide ranges
 * (`0.0.0.0/1` + `128.0.0.0/1`, or a handful of /8s, each 16.7 million addresses) is the internet by
 * another name. IPv6: /48, the allocation a whole site gets (RFC 6177).
 * Used by the policy suite (AWS-EKS-004) and meant for the descriptor schema too.
 */
export const MAX_PUBLIC_ACCESS_PREFIX = { ipv4: 16, ipv6: 48 } as const;

/** Why a public-access CIDR is not acceptable in prod (not a CIDR, or wider than the limit), or undefined when it is. */
export function publicAccessCidrProblem(cidr: string): string | undefined {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr.trim());
  } catch {
    return `${cidr} is not a CIDR block`;
  }
  const [address, prefix] = parsed;
  const limit = address.kind() === "ipv4" ? MAX_PUBLIC_ACCESS_PREFIX.ipv4 : MAX_PUBLIC_ACCESS_PREFIX.ipv6;
  return prefix < limit ? `${cidr} is wider than /${limit}, the widest range the public API endpoint may be opened to` : undefined;
}
