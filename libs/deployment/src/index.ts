export * from "./schema";
export * from "./load";
export * from "./naming";
export { cidrSubnet, parseIpv4Cidr } from "./cidr";
