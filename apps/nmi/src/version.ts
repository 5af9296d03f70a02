// Version of the agent (kept equal to the root package.json version by the release step).
export const NMI_VERSION = '0.1.0';
