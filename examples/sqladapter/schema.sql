-- The example's schema: contacts and users are data subjects; chat
-- transcripts reference contacts, chat messages reference transcripts,
-- orders reference contacts.
CREATE TABLE IF NOT EXISTS contacts (
    id            TEXT PRIMARY KEY,
    full_name     TEXT,
    full_name_norm TEXT,
    email         VARCHAR(254) NOT NULL CHECK (email LIKE '%_@_%._%'),
    email_norm    TEXT,
    mobile        VARCHAR(40),
    mobile_e164   VARCHAR(40),
    customer_no   VARCHAR(64),
    anonymized_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS contacts_email_norm ON contacts (email_norm);
CREATE INDEX IF NOT EXISTS contacts_mobile_e164 ON contacts (mobile_e164);
CREATE INDEX IF NOT EXISTS contacts_full_name_norm ON contacts (full_name_norm);
CREATE INDEX IF NOT EXISTS contacts_customer_no ON contacts (customer_no);

CREATE TABLE IF NOT EXISTS users (
    id            TEXT PRIMARY KEY,
    user_uuid     TEXT UNIQUE NOT NULL,
    display_name  TEXT,
    work_email    TEXT,
    employment    TEXT NOT NULL,
    password_hash TEXT
);

CREATE TABLE IF NOT EXISTS chat_transcripts (
    id         TEXT PRIMARY KEY,
    contact_id TEXT REFERENCES contacts (id),
    agent_id   TEXT REFERENCES users (id),
    started_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_transcripts_contact ON chat_transcripts (contact_id);

CREATE TABLE IF NOT EXISTS chat_messages (
    id            TEXT PRIMARY KEY,
    transcript_id TEXT NOT NULL REFERENCES chat_transcripts (id),
    body          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_messages_transcript ON chat_messages (transcript_id);

CREATE TABLE IF NOT EXISTS orders (
    order_no      TEXT PRIMARY KEY,
    customer_id   TEXT REFERENCES contacts (id),
    ship_to       TEXT,
    total_cents   BIGINT NOT NULL,
    anonymized_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id);
