//! Writing private files (keys) with owner-only permissions from the first byte.

use std::io::Write;
use std::path::Path;

/// Creates or truncates `path` with mode 0600 (on Unix) and writes `data`.
pub fn write(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(data)?;
    file.sync_all()
}
