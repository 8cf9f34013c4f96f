CREATE TABLE IF NOT EXISTS oxsim_contexts (
    id BIGINT NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    enabled BIGINT NOT NULL,
    max_quota BIGINT NOT NULL,
    used_quota BIGINT NOT NULL,
    filestore_id BIGINT NOT NULL,
    owner_id BIGINT NOT NULL,
    customid VARCHAR(255) NULL,
    attrs MEDIUMTEXT NOT NULL,
    caps MEDIUMTEXT NOT NULL,
    restrictions MEDIUMTEXT NOT NULL,
    next_principal BIGINT NOT NULL,
    UNIQUE KEY oxsim_contexts_name (name),
    KEY oxsim_contexts_owner (owner_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS oxsim_login_mappings (
    mapping VARCHAR(255) NOT NULL PRIMARY KEY,
    context_id BIGINT NOT NULL,
    KEY oxsim_login_mappings_ctx (context_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS oxsim_quotas (
    context_id BIGINT NOT NULL,
    module VARCHAR(64) NOT NULL,
    qlimit BIGINT NOT NULL,
    PRIMARY KEY (context_id, module)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS oxsim_users (
    context_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL,
    display_name VARCHAR(255) NOT NULL,
    primary_email VARCHAR(255) NOT NULL,
    is_admin BIGINT NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    access TEXT NOT NULL,
    used_quota BIGINT NOT NULL,
    caps MEDIUMTEXT NOT NULL,
    data MEDIUMTEXT NOT NULL,
    PRIMARY KEY (context_id, id),
    UNIQUE KEY oxsim_users_name (context_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS oxsim_groups (
    context_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL,
    displayname VARCHAR(255) NOT NULL,
    PRIMARY KEY (context_id, id),
    UNIQUE KEY oxsim_groups_name (context_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS oxsim_group_members (
    context_id BIGINT NOT NULL,
    group_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (context_id, group_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS oxsim_resources (
    context_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL,
    email VARCHAR(255) NOT NULL,
    data MEDIUMTEXT NOT NULL,
    PRIMARY KEY (context_id, id),
    UNIQUE KEY oxsim_resources_name (context_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS oxsim_resellers (
    id BIGINT NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    parent_id BIGINT NOT NULL,
    restrictions MEDIUMTEXT NOT NULL,
    data MEDIUMTEXT NOT NULL,
    UNIQUE KEY oxsim_resellers_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
