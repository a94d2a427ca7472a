import type { NextConfig } from "next";

// The project's root folder has a lockfile of its own (npm run dev's tools); the app is this one.
const appRoot = import.meta.dirname;

const nextConfig: NextConfig = {
  outputFileTracingRoot: appRoot,
  turbopack: { root: appRoot },
  // Better Auth and the database drivers run on the server only, as plain Node modules.
  serverExternalPackages: ["better-auth", "pg"],
};

export default nextConfig;
