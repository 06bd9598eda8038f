/** @type {import("next").NextConfig} */
const nextConfig = {
  // node-postgres stays a Node module on the server (not bundled).
  serverExternalPackages: ["pg"],
  poweredByHeader: false,
};
export default nextConfig;
