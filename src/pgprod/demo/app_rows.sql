-- Rows only prod has: the customers who signed up on the live app since. Some share a
-- name with earlier customers, as people do (dev's sample has no such pair).
INSERT INTO customers (email, name)
SELECT format('signup%s@example.net', n), format('Customer %s', n * 10)
FROM generate_series(1, 12) AS n;
