INSERT INTO shop.customer (email, name, address, tags) VALUES ('ann@example.com', 'Ann', ROW('Main 1', 'Town', '12345', 'DE'), '{vip}'), ('bob@example.com', 'Bob', NULL, '{}');
INSERT INTO shop.product (sku, title, price) VALUES ('P-1', 'Pen', 1.50), ('P-2', 'Ink', 4.00);
INSERT INTO shop.orders (customer_id, status) SELECT id, 'placed' FROM shop.customer;
INSERT INTO shop.order_line SELECT o.id, (SELECT min(id) FROM shop.product), 2, 1.50 FROM shop.orders o;
INSERT INTO shop.event VALUES (1, '2024-06-01', 'signup', '{}'), (2, '2030-01-01', 'future', NULL);
