-- Application instances: one per APS application instance installed into this endpoint.
CREATE TABLE instances (
    id TEXT PRIMARY KEY NOT NULL,
    controller_uri TEXT NOT NULL,
    controller_cert_pem TEXT NOT NULL,
    controller_cert_der TEXT NOT NULL,           -- base64 DER, compared byte for byte
    instance_cert_pem TEXT NOT NULL,
    instance_key_sealed TEXT NOT NULL,           -- sealed with the secret key, never plain
    upgraded_from TEXT,                          -- package version of the last upgrade's source
    controller_check TEXT,                       -- result of the last call-back probe
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Resources of every service, as the endpoint last stored them (encrypted properties sealed).
CREATE TABLE resources (
    instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    service TEXT NOT NULL,
    type_id TEXT,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    revision BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (instance_id, id)
);
CREATE INDEX resources_by_service ON resources (instance_id, service);
