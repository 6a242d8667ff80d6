-- Users, roles, OAuth clients, refresh token families and revoked access
-- tokens. Times are UTC DATETIME(3) written by the service (never NOW()).

CREATE TABLE users (
  id CHAR(36) CHARACTER SET ascii NOT NULL,
  email VARCHAR(254) NOT NULL,
  password_hash VARCHAR(255) CHARACTER SET ascii NOT NULL,
  status ENUM('active', 'disabled') NOT NULL DEFAULT 'active',
  failed_logins INT UNSIGNED NOT NULL DEFAULT 0,
  locked_until DATETIME(3) NULL,
  last_login_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_roles (
  user_id CHAR(36) CHARACTER SET ascii NOT NULL,
  role VARCHAR(32) CHARACTER SET ascii NOT NULL,
  PRIMARY KEY (user_id, role),
  KEY user_roles_role (role),
  CONSTRAINT user_roles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Owned by configuration: seeded at start-up, clients absent from it are disabled.
CREATE TABLE oauth_clients (
  client_id VARCHAR(100) CHARACTER SET ascii NOT NULL,
  secret_hash VARCHAR(255) CHARACTER SET ascii NULL,
  grants VARCHAR(255) CHARACTER SET ascii NOT NULL,
  scopes VARCHAR(2000) CHARACTER SET ascii NOT NULL,
  is_public TINYINT(1) NOT NULL DEFAULT 0,
  enabled TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One family per login; every refresh token rotated from it belongs to it.
CREATE TABLE refresh_families (
  id CHAR(36) CHARACTER SET ascii NOT NULL,
  user_id CHAR(36) CHARACTER SET ascii NOT NULL,
  client_id VARCHAR(100) CHARACTER SET ascii NOT NULL,
  scope VARCHAR(2000) CHARACTER SET ascii NOT NULL,
  auth_time DATETIME(3) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  revoked_reason VARCHAR(32) CHARACTER SET ascii NULL,
  PRIMARY KEY (id),
  KEY refresh_families_user (user_id),
  KEY refresh_families_expires (expires_at),
  CONSTRAINT refresh_families_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Only the SHA-256 of each opaque token is stored. The access token issued
-- with it is remembered so revoking the family revokes that one too.
CREATE TABLE refresh_tokens (
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  family_id CHAR(36) CHARACTER SET ascii NOT NULL,
  issued_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  used_at DATETIME(3) NULL,
  access_jti CHAR(36) CHARACTER SET ascii NOT NULL,
  access_expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (token_hash),
  KEY refresh_tokens_family (family_id),
  CONSTRAINT refresh_tokens_family FOREIGN KEY (family_id) REFERENCES refresh_families (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Access tokens revoked before expiry (logout, RFC 7009); kept until they expire.
CREATE TABLE revoked_access_tokens (
  jti CHAR(36) CHARACTER SET ascii NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (jti),
  KEY revoked_access_tokens_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
