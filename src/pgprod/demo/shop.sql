-- A small shop: the sample app schema and data `make demo` puts in dev.
CREATE TABLE customers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text NOT NULL UNIQUE,
    title       text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0)
);

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');

CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status      order_status NOT NULL DEFAULT 'pending',
    placed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
    order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products (id),
    quantity   integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
);

CREATE VIEW order_totals AS
SELECT o.id AS order_id, o.customer_id, sum(i.quantity * p.price_cents) AS total_cents
FROM orders o
JOIN order_items i ON i.order_id = o.id
JOIN products p ON p.id = i.product_id
GROUP BY o.id, o.customer_id;

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
