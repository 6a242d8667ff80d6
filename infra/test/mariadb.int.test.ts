import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, uniqueName } from './endpoints.js';

describe('MariaDB smoke (mysql2)', () => {
  const db = uniqueName('smoke').replace(/-/g, '_');
  let conn: mysql.Connection;

  beforeAll(async () => {
    conn = await mysql.createConnection(endpoint('MYSQL_URL'));
  });
  afterAll(async () => {
    await conn?.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await conn?.end();
  });

  it('creates a database, commits a row in a transaction and reads it back', async () => {
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.stock (sku VARCHAR(32) PRIMARY KEY, qty INT NOT NULL CHECK (qty >= 0)) ENGINE=InnoDB`);
    await conn.beginTransaction();
    await conn.execute(`INSERT INTO \`${db}\`.stock (sku, qty) VALUES (?, ?)`, ['sku-1', 5]);
    await conn.commit();
    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT sku, qty FROM \`${db}\`.stock`);
    expect(rows).toEqual([{ sku: 'sku-1', qty: 5 }]);
  });

  it('enforces CHECK constraints (the inventory relies on them)', async () => {
    await expect(conn.execute(`UPDATE \`${db}\`.stock SET qty = qty - 6 WHERE sku = ?`, ['sku-1'])).rejects.toThrow(/constraint/i);
  });
});
