import { describe, expect, it } from "vitest";
import {
  KUBERNETES_RULES,
  dropAllCapabilities,
  noHostNamespaces,
  noHostPathVolumes,
  namespacesEnforceRestricted,
  noHostPorts,
  noPrivilegeEscalation,
  noPrivilegedContainers,
  readOnlyRootFilesystem,
  runAsNonRoot,
  seccompProfile,
} from "../src/rules/kubernetes";
import type { Rule } from "../src/types";
import { RESTRICTED_CONTAINER_CONTEXT, input, object, podSpecOf, restrictedDeployment, run } from "./builders";

const ADDRESS = "test-stack/helm_release.t Deployment tenant-t/app";

/** A restricted Deployment with one change applied to its pod spec. */
function breaking(change: (pod: ReturnType<typeof podSpecOf>) => void) {
  const deployment = restrictedDeployment();
  change(podSpecOf(deployment));
  return input({ kubernetes: [deployment] });
}

describe("pod security rules on a restricted Deployment", () => {
  it.each(KUBERNETES_RULES.map((rule) => [rule.id, rule] as const))("%s finds nothing", (_id, rule) => {
    expect(run(rule, input({ kubernetes: [restrictedDeployment()] }))).toEqual([]);
  });
});

const cases: [string, Rule, (pod: ReturnType<typeof podSpecOf>) => void, string][] = [
  ["K8S-POD-001 flags a container without runAsNonRoot anywhere", runAsNonRoot, (pod) => {
    delete pod.securityContext.runAsNonRoot;
    delete pod.containers[0].securityContext.runAsNonRoot;
  }, "runAsNonRoot is not true"],
  ["K8S-POD-001 flags a container that runs as UID 0", runAsNonRoot, (pod) => {
    pod.containers[0].securityContext.runAsUser = 0;
  }, "runAsUser is 0"],
  ["K8S-POD-001 flags a container overriding the pod's runAsNonRoot with false", runAsNonRoot, (pod) => {
    pod.containers[0].securityContext.runAsNonRoot = false;
  }, "runAsNonRoot is not true"],
  ["K8S-POD-002 flags a container allowing privilege escalation", noPrivilegeEscalation, (pod) => {
    delete pod.containers[0].securityContext.allowPrivilegeEscalation;
  }, "allowPrivilegeEscalation is not false"],
  ["K8S-POD-003 flags a container that keeps its capabilities", dropAllCapabilities, (pod) => {
    pod.containers[0].securityContext.capabilities = { drop: ["NET_RAW"] };
  }, "capabilities.drop does not include ALL"],
  ["K8S-POD-003 flags a container adding SYS_ADMIN", dropAllCapabilities, (pod) => {
    pod.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["SYS_ADMIN"] };
  }, "capabilities.add includes SYS_ADMIN"],
  ["K8S-POD-003 still flags SYS_ADMIN added beside NET_BIND_SERVICE", dropAllCapabilities, (pod) => {
    pod.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SYS_ADMIN"] };
  }, "capabilities.add includes SYS_ADMIN"],
  ["K8S-POD-004 flags an Unconfined seccomp profile", seccompProfile, (pod) => {
    pod.containers[0].securityContext.seccompProfile = { type: "Unconfined" };
  }, "seccompProfile.type is Unconfined"],
  ["K8S-POD-004 flags a pod with no seccomp profile at all", seccompProfile, (pod) => {
    delete pod.securityContext.seccompProfile;
    delete pod.containers[0].securityContext.seccompProfile;
  }, "no seccompProfile"],
  ["K8S-POD-005 flags a writable root filesystem", readOnlyRootFilesystem, (pod) => {
    pod.containers[0].securityContext.readOnlyRootFilesystem = false;
  }, "readOnlyRootFilesystem is not true"],
  ["K8S-POD-005 flags a container that leaves readOnlyRootFilesystem unset", readOnlyRootFilesystem, (pod) => {
    delete pod.containers[0].securityContext.readOnlyRootFilesystem;
  }, "readOnlyRootFilesystem is not true"],
  ["K8S-POD-006 flags a privileged container", noPrivilegedContainers, (pod) => {
    pod.containers[0].securityContext.privileged = true;
  }, "privileged is true"],
  ["K8S-POD-007 flags hostNetwork", noHostNamespaces, (pod) => {
    pod.hostNetwork = true;
  }, "hostNetwork is true"],
  ["K8S-POD-007 flags hostPID and hostIPC", noHostNamespaces, (pod) => {
    pod.hostPID = true;
    pod.hostIPC = true;
  }, "hostPID is true"],
  ["K8S-POD-008 flags a hostPath volume", noHostPathVolumes, (pod) => {
    pod.volumes = [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }];
  }, "volume docker is a hostPath volume"],
  ["K8S-POD-008 flags an nfs volume, which restricted refuses", noHostPathVolumes, (pod) => {
    pod.volumes = [{ name: "tmp", emptyDir: {} }, { name: "share", nfs: { server: "10.0.0.5", path: "/" } }];
  }, "volume share is of type nfs"],
  ["K8S-POD-009 flags a hostPort", noHostPorts, (pod) => {
    pod.containers[0].ports[0].hostPort = 8080;
  }, "binds hostPort 8080"],
];

describe("pod security rules on violating pods", () => {
  it.each(cases)("%s", (_name, rule, change, message) => {
    const findings = run(rule, breaking(change));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]).toEqual({ address: ADDRESS, message: expect.stringContaining(message) });
  });

  it("K8S-POD-003 accepts NET_BIND_SERVICE, the one capability restricted lets a container add", () => {
    const binding = breaking((pod) => {
      pod.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] };
    });
    expect(run(dropAllCapabilities, binding)).toEqual([]);
  });

  it("K8S-POD-004 accepts a seccomp profile set once on the pod for every container", () => {
    const podLevel = breaking((pod) => {
      delete pod.containers[0].securityContext.seccompProfile;
      pod.securityContext.seccompProfile = { type: "RuntimeDefault" };
    });
    expect(run(seccompProfile, podLevel)).toEqual([]);
  });

  it("checks init containers too, not only the main ones", () => {
    const findings = run(
      noPrivilegedContainers,
      breaking((pod) => {
        pod.initContainers = [{ name: "setup", image: "x", securityContext: { ...RESTRICTED_CONTAINER_CONTEXT, privileged: true } }];
      }),
    );
    expect(findings).toEqual([{ address: ADDRESS, message: "initContainers[0] (setup): privileged is true" }]);
  });

  it("checks bare Pods and CronJob templates as well as Deployments", () => {
    const podSpec = podSpecOf(restrictedDeployment());
    podSpec.hostNetwork = true;
    const pod = object({ kind: "Pod", metadata: { name: "p" }, spec: podSpec }, "ns");
    const cronJob = object({ kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }, "ns");
    expect(run(noHostNamespaces, input({ kubernetes: [pod, cronJob] })).map((f) => f.address)).toEqual([
      "test-stack/helm_release.t Pod ns/p",
      "test-stack/helm_release.t CronJob ns/c",
    ]);
  });
});

describe("K8S-PSA-001 every namespace enforces restricted", () => {
  it("flags a namespace with no enforce label and one enforcing only baseline", () => {
    const namespace = (name: string, labels: Record<string, string>) => object({ kind: "Namespace", metadata: { name, labels } });
    const findings = run(
      namespacesEnforceRestricted,
      input({
        kubernetes: [
          namespace("traefik", { "pod-security.kubernetes.io/enforce": "restricted" }),
          namespace("keda", {}),
          namespace("tools", { "pod-security.kubernetes.io/enforce": "baseline" }),
        ],
      }),
    );
    expect(findings).toEqual([
      { address: "test-stack/helm_release.t Namespace keda", message: "pod-security.kubernetes.io/enforce is unset, not restricted" },
      { address: "test-stack/helm_release.t Namespace tools", message: "pod-security.kubernetes.io/enforce is baseline, not restricted" },
    ]);
  });
});
