-- The sample shop's rows: `make demo` loads them into dev with the schema, and into
-- prod as the app role after publishing (the running app's users' data).
INSERT INTO customers (email, name)
SELECT format('customer%s@example.com', n), format('Customer %s', n)
FROM generate_series(1, 200) AS n;

INSERT INTO products (sku, title, price_cents)
SELECT format('SKU-%s', n), format('Product %s', n), 100 + (n * 37) % 5000
FROM generate_series(1, 50) AS n;

INSERT INTO orders (customer_id, status, placed_at)
SELECT 1 + (n * 7) % 200,
       (ARRAY['pending', 'paid', 'shipped', 'cancelled']::order_status[])[1 + n % 4],
       now() - make_interval(hours => n)
FROM generate_series(1, 1000) AS n;

INSERT INTO order_items (order_id, product_id, quantity)
SELECT o.id, 1 + (o.id * k) % 50, 1 + k
FROM orders o, generate_series(1, 3) AS k
ON CONFLICT DO NOTHING;
