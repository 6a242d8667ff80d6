-- Stock per product and reservations per order. Times are UTC DATETIME(3)
-- written by the service (never NOW()), so tests and the sweeper share one clock.

CREATE TABLE stock (
  product_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
  -- Free to reserve. Reservations move units from available to reserved;
  -- a commit removes them from reserved (they left the warehouse).
  available INT NOT NULL DEFAULT 0,
  reserved INT NOT NULL DEFAULT 0,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (product_id),
  -- Last guard: the conditional UPDATEs already never go below zero.
  CONSTRAINT stock_available_not_negative CHECK (available >= 0),
  CONSTRAINT stock_reserved_not_negative CHECK (reserved >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reservations (
  order_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
  status ENUM('reserved', 'released', 'expired', 'committed') NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (order_id),
  KEY reservations_due (status, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reservation_items (
  order_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
  product_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
  quantity INT NOT NULL,
  PRIMARY KEY (order_id, product_id),
  CONSTRAINT reservation_items_quantity_positive CHECK (quantity > 0),
  CONSTRAINT reservation_items_order FOREIGN KEY (order_id) REFERENCES reservations (order_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
