// drizzle-kit's configuration for pgprod's client tests: DATABASE_URL is set by
// `pgprod run ENV --`.
export default {
  dialect: "postgresql",
  schema: "./schema.js",
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL },
};
