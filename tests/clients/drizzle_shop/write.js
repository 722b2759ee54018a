// Writes through drizzle-orm as the app role (DATABASE_URL from `pgprod run`), then
// prints how many orders there are.
import { drizzle } from "drizzle-orm/node-postgres";
import { count } from "drizzle-orm";
import { customers, orders } from "./schema.js";

const db = drizzle(process.env.DATABASE_URL);
const [customer] = await db.insert(customers).values({ name: "ada", email: "ada@example.com" })
  .returning();
await db.insert(orders).values({ customerId: customer.id, totalCents: 1234 });
const [{ n }] = await db.select({ n: count() }).from(orders);
console.log(n);
await db.$client.end();
