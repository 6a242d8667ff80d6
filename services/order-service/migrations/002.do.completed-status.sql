-- COMPLETED: an admin fulfilled a CONFIRMED order; inventory then commits its stock.
ALTER TABLE orders MODIFY status ENUM('PENDING', 'RESERVED', 'CONFIRMED', 'COMPLETED', 'FAILED', 'CANCELLED') NOT NULL;
