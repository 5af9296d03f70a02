// Version of the agent: the root package.json version, put in by the bundler (tools/scripts/bundle.mjs)
// for the images; "0.0.0-dev" when run from source.
export const NMI_VERSION = process.env.POD_IDENTITY_VERSION ?? '0.0.0-dev';
