CREATE TABLE IF NOT EXISTS advertisement_config (
    configId INTEGER PRIMARY KEY AUTOINCREMENT,
    reseller TEXT NOT NULL,
    config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS advertisement_mapping (
    reseller TEXT NOT NULL,
    package TEXT NOT NULL,
    configId INTEGER NOT NULL,
    PRIMARY KEY (reseller, package)
);
CREATE TABLE IF NOT EXISTS oxsim_ad_previews (
    context_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    config_id INTEGER NOT NULL,
    PRIMARY KEY (context_id, user_id)
)
