import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';

export type NotificationStatus = 'sent' | 'failed';

export interface Notification {
  eventId: string;
  eventType: string;
  orderId: string;
  recipient: string | null;
  subject: string | null;
  status: NotificationStatus;
  attempts: number;
  messageId: string | null;
  error: string | null;
  createdAt: string;
}

export type NotificationRecord = Omit<Notification, 'createdAt'>;

/** The record of every notification: sent, or failed for good. */
export class NotificationStore {
  async sentFor(db: Pool | PoolConnection, eventId: string): Promise<boolean> {
    const [rows] = await db.query<RowDataPacket[]>("SELECT 1 FROM notifications WHERE event_id = ? AND status = 'sent'", [eventId]);
    return rows.length > 0;
  }

  /** Records a sent email. Throws ER_DUP_ENTRY if the event already has a record, rolling the caller's transaction back. */
  async recordSent(conn: PoolConnection, n: NotificationRecord, now: Date): Promise<void> {
    await conn.execute(
      "INSERT INTO notifications (event_id, event_type, order_id, recipient, subject, status, attempts, message_id, error, created_at) VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, NULL, ?)",
      [n.eventId, n.eventType, n.orderId, n.recipient, n.subject, n.attempts, n.messageId, now],
    );
  }

  /** Records a notification given up on; never overwrites a sent one. */
  async recordFailed(pool: Pool, n: NotificationRecord, now: Date): Promise<void> {
    await pool.execute(
      `INSERT INTO notifications (event_id, event_type, order_id, recipient, subject, status, attempts, message_id, error, created_at) VALUES (?, ?, ?, ?, ?, 'failed', ?, NULL, ?, ?)
       ON DUPLICATE KEY UPDATE attempts = IF(status = 'sent', attempts, VALUES(attempts)), error = IF(status = 'sent', error, VALUES(error))`,
      [n.eventId, n.eventType, n.orderId, n.recipient, n.subject, n.attempts, (n.error ?? '').slice(0, 1000), now],
    );
  }

  async byOrder(pool: Pool, orderId: string): Promise<Notification[]> {
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT event_id, event_type, order_id, recipient, subject, status, attempts, message_id, error, created_at FROM notifications WHERE order_id = ? ORDER BY id',
      [orderId],
    );
    return rows.map((r) => ({
      eventId: r['event_id'] as string,
      eventType: r['event_type'] as string,
      orderId: r['order_id'] as string,
      recipient: (r['recipient'] as string | null) ?? null,
      subject: (r['subject'] as string | null) ?? null,
      status: r['status'] as NotificationStatus,
      attempts: Number(r['attempts']),
      messageId: (r['message_id'] as string | null) ?? null,
      error: (r['error'] as string | null) ?? null,
      createdAt: (r['created_at'] as Date).toISOString(),
    }));
  }
}
