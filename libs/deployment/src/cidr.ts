import { createHash } from "node:crypto";
import ipaddr from "ipaddr.js";

/** An IPv4 network in CIDR notation, parsed once. */
export interface Ipv4Network {
  readonly cidr: string;
  readonly base: number; // network address as an unsigned 32-bit integer
  readonly prefix: number;
}

/** Parses "a.b.c.d/n" and insists that the address is the network address (no host bits set). */
export function parseIpv4Cidr(cidr: string): Ipv4Network {
  if (!ipaddr.IPv4.isValidCIDR(cidr)) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR block`);
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr);
  if (network.toString() !== address.toString()) {
    throw new Error(`"${cidr}" has host bits set; the network address is ${network.toString()}/${prefix}`);
  }
  return { cidr, base: toUint(network), prefix };
}

function toUint(address: ipaddr.IPv4): number {
  return address.octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

function fromUint(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function size(network: Ipv4Network): number {
  return 2 ** (32 - network.prefix);
}

/** Same semantics as Terraform's cidrsubnet(prefix, newbits, netnum). */
export function cidrSubnet(parent: Ipv4Network, newBits: number, netNum: number): string {
  const prefix = parent.prefix + newBits;
  if (prefix > 32) throw new Error(`cannot add ${newBits} bits to /${parent.prefix}`);
  if (netNum < 0 || netNum >= 2 ** newBits) {
    throw new Error(`network number ${netNum} does not fit in ${newBits} bits`);
  }
  return `${fromUint(parent.base + netNum * 2 ** (32 - prefix))}/${prefix}`;
}

export function contains(outer: Ipv4Network, inner: Ipv4Network): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

export function overlaps(a: Ipv4Network, b: Ipv4Network): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** RFC 1918 private ranges: a VPC outside them would route public address space privately. */
export function isPrivateRange(network: Ipv4Network): boolean {
  return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].some((range) => contains(parseIpv4Cidr(range), network));
}

/**
 * The VPC CIDR of a deployment whose descriptor names none: `10.<n>.0.0/16`, n the first byte of the
 * SHA-256 of its deployment_id. A function of the id alone, so adding or removing other deployments never
 * moves it (a VPC's primary CIDR cannot change without replacing the VPC); distinct for most pairs of
 * deployments, and loadDeployments refuses the pairs that still collide. SHA-256 rather than a hand-rolled
 * hash: node:crypto's is stable across Node versions and platforms.
 */
export function defaultVpcCidr(deploymentId: string): string {
  const n = createHash("sha256").update(deploymentId, "utf8").digest()[0] as number;
  return `10.${n}.0.0/16`;
}

/** The first `10.<n>.0.0/16` that overlaps none of `taken`, to suggest when two VPCs collide. */
export function freeVpcCidr(taken: readonly string[]): string | undefined {
  const used = taken.map(parseIpv4Cidr);
  for (let n = 0; n < 256; n++) {
    const candidate = parseIpv4Cidr(`10.${n}.0.0/16`);
    if (!used.some((net) => overlaps(net, candidate))) return candidate.cidr;
  }
  return undefined;
}
