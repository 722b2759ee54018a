import { pgTable, bigint, text, integer, index } from "drizzle-orm/pg-core";

export const customers = pgTable("customers", {
  id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull(),
  email: text(),
});

export const orders = pgTable("orders", {
  id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  customerId: bigint("customer_id", { mode: "number" }).notNull().references(() => customers.id),
  totalCents: integer("total_cents").notNull(),
}, (t) => [index("orders_customer_id").on(t.customerId)]);
