fn main() -> std::process::ExitCode {
    oxaps::cli::main()
}
