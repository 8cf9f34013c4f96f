UPDATE oxsim_users SET primary_email = LOWER(primary_email);
CREATE INDEX IF NOT EXISTS oxsim_users_dn ON oxsim_users (context_id, display_name);
CREATE INDEX IF NOT EXISTS oxsim_users_mail ON oxsim_users (context_id, primary_email);
CREATE INDEX IF NOT EXISTS oxsim_group_members_user ON oxsim_group_members (context_id, user_id)
