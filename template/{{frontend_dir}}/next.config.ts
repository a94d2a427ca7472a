import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Better Auth and the database drivers run on the server only, as plain Node modules.
  serverExternalPackages: ["better-auth", "pg"],
};

export default nextConfig;
