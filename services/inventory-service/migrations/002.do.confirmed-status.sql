-- confirmed: the order was confirmed; the stock stays held, without expiry,
-- until the order completes (commit) or is cancelled (release).
ALTER TABLE reservations MODIFY status ENUM('reserved', 'confirmed', 'released', 'expired', 'committed') NOT NULL;
