-- Model resources belong to a parent (a tenant's users, groups, domains...) and some have a natural
-- key that must be unique within an instance and service (a user's login, a domain's name).
ALTER TABLE resources ADD COLUMN parent_id TEXT;
ALTER TABLE resources ADD COLUMN natural_key TEXT;
CREATE INDEX resources_by_parent ON resources (instance_id, parent_id);
CREATE UNIQUE INDEX resources_natural_key ON resources (instance_id, service, natural_key) WHERE natural_key IS NOT NULL;
