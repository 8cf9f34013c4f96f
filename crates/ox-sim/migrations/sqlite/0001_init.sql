CREATE TABLE IF NOT EXISTS oxsim_contexts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    enabled INTEGER NOT NULL,
    max_quota INTEGER NOT NULL,
    used_quota INTEGER NOT NULL,
    filestore_id INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    customid TEXT,
    attrs TEXT NOT NULL,
    caps TEXT NOT NULL,
    restrictions TEXT NOT NULL,
    next_principal INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS oxsim_contexts_owner ON oxsim_contexts (owner_id);
CREATE TABLE IF NOT EXISTS oxsim_login_mappings (
    mapping TEXT PRIMARY KEY,
    context_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS oxsim_login_mappings_ctx ON oxsim_login_mappings (context_id);
CREATE TABLE IF NOT EXISTS oxsim_quotas (
    context_id INTEGER NOT NULL,
    module TEXT NOT NULL,
    qlimit INTEGER NOT NULL,
    PRIMARY KEY (context_id, module)
);
CREATE TABLE IF NOT EXISTS oxsim_users (
    context_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    primary_email TEXT NOT NULL,
    is_admin INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    access TEXT NOT NULL,
    used_quota INTEGER NOT NULL,
    caps TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (context_id, id),
    UNIQUE (context_id, name)
);
CREATE TABLE IF NOT EXISTS oxsim_groups (
    context_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    displayname TEXT NOT NULL,
    PRIMARY KEY (context_id, id),
    UNIQUE (context_id, name)
);
CREATE TABLE IF NOT EXISTS oxsim_group_members (
    context_id INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (context_id, group_id, user_id)
);
CREATE TABLE IF NOT EXISTS oxsim_resources (
    context_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (context_id, id),
    UNIQUE (context_id, name)
);
CREATE TABLE IF NOT EXISTS oxsim_resellers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    parent_id INTEGER NOT NULL,
    restrictions TEXT NOT NULL,
    data TEXT NOT NULL
);
