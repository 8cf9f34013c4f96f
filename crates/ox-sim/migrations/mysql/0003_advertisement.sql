CREATE TABLE IF NOT EXISTS advertisement_config (
    configId INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    reseller VARCHAR(128) NOT NULL,
    config TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS advertisement_mapping (
    reseller VARCHAR(128) NOT NULL,
    package VARCHAR(128) NOT NULL,
    configId INT NOT NULL,
    PRIMARY KEY (reseller, package)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS oxsim_ad_previews (
    context_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    config_id BIGINT NOT NULL,
    PRIMARY KEY (context_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
