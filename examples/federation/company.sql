CREATE TABLE customers (id TEXT PRIMARY KEY, full_name TEXT, email TEXT, phone TEXT);
CREATE TABLE orders (order_no TEXT PRIMARY KEY, customer_id TEXT REFERENCES customers(id), total INTEGER);
INSERT INTO customers VALUES ('cust-1', 'Jordan Blake', 'jordan.blake@example.com', '+44 20 7946 0456');
INSERT INTO customers VALUES ('cust-2', 'Robin Vale', 'robin.vale@example.com', '+44 20 7946 0999');
INSERT INTO orders VALUES ('ord-501', 'cust-1', 120);
INSERT INTO orders VALUES ('ord-502', 'cust-1', 80);
INSERT INTO orders VALUES ('ord-503', 'cust-2', 45);
