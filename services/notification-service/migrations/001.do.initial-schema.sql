-- One row per order event that called for an email. event_id is unique, the
-- last guard against sending the same notification twice. Times are UTC
-- DATETIME(3) written by the service.

CREATE TABLE notifications (
  id BIGINT NOT NULL AUTO_INCREMENT,
  event_id VARCHAR(255) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  order_id VARCHAR(64) NOT NULL,
  recipient VARCHAR(254) NULL,
  subject VARCHAR(255) NULL,
  -- sent: the SMTP server accepted it; failed: dead-lettered after the bus's retries.
  status ENUM('sent', 'failed') NOT NULL,
  attempts INT NOT NULL,
  message_id VARCHAR(255) NULL,
  error VARCHAR(1000) NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY notifications_event (event_id),
  KEY notifications_order (order_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
