/**
 * How every helm_release of the stack is installed and upgraded: all or nothing (a failed upgrade rolls
 * back and removes what it created), waited for until its resources are ready, with a bounded history.
 * Each release adds its own timeout.
 */
export const RELEASE_POLICY = { atomic: true, cleanupOnFail: true, wait: true, maxHistory: 10 } as const;
