//! `oxaps package`: build the APS package, or check one (`--check FILE`).

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use crate::package::{self, PackageOptions};

/// Options of `oxaps package`.
#[derive(Debug, Args)]
pub struct PackageArgs {
    /// Directory to write `<name>-<version>-<release>.app.zip` into.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// The package release, counted up for each package of the same version.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub release: u32,
    /// Check this `.app.zip` instead of building: prints "OK" or every problem found.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
}

/// Builds or checks a package. A failed check is an error after the problems are printed.
pub fn run(args: PackageArgs) -> anyhow::Result<()> {
    if let Some(file) = args.check {
        let bytes =
            std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        let problems = package::check::check(&bytes);
        if problems.is_empty() {
            println!("OK");
            return Ok(());
        }
        for p in &problems {
            println!("{p}");
        }
        anyhow::bail!("{}: {} problem(s)", file.display(), problems.len());
    }
    let opts = PackageOptions::from_env(args.release)?;
    let (name, bytes) = package::build(&opts)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let path = args.out.join(name);
    std::fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}
