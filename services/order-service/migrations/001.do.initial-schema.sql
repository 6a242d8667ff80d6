-- Orders, their lines and their status history. Times are UTC DATETIME(3)
-- written by the service (never NOW()), so tests and the sweeper share one clock.
-- Money is in minor units (cents) of the order's currency.

CREATE TABLE orders (
  id CHAR(36) CHARACTER SET ascii NOT NULL,
  customer_id VARCHAR(128) NOT NULL,
  customer_email VARCHAR(254) NULL,
  status ENUM('PENDING', 'RESERVED', 'CONFIRMED', 'FAILED', 'CANCELLED') NOT NULL,
  failure_reason VARCHAR(255) NULL,
  total_amount BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  -- A retried POST with the same key (per customer) returns this order;
  -- request_hash tells a retry from a different request reusing the key.
  idempotency_key VARCHAR(255) NOT NULL,
  request_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY orders_idempotency (customer_id, idempotency_key),
  KEY orders_by_customer (customer_id, created_at, id),
  KEY orders_pending (status, created_at),
  CONSTRAINT orders_total_not_negative CHECK (total_amount >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE order_items (
  order_id CHAR(36) CHARACTER SET ascii NOT NULL,
  product_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
  quantity INT NOT NULL,
  unit_price BIGINT NOT NULL,
  PRIMARY KEY (order_id, product_id),
  CONSTRAINT order_items_quantity_positive CHECK (quantity > 0),
  CONSTRAINT order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every status change, for support and audit (RESERVED is passed through on the way to CONFIRMED).
CREATE TABLE order_transitions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  order_id CHAR(36) CHARACTER SET ascii NOT NULL,
  from_status VARCHAR(16) NULL,
  to_status VARCHAR(16) NOT NULL,
  reason VARCHAR(255) NULL,
  at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY order_transitions_order (order_id, id),
  CONSTRAINT order_transitions_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
