// Prisma's JavaScript schema engine (WebAssembly, in the prisma package) runs the
// migrations through node-postgres: no engine binary to download. allowExitOnIdle: the
// CLI leaves the pool open, which would keep it waiting for idle connections to close.
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true }),
});
