//! Runs the command line, prints the error and its causes, and sets the exit code.

use std::process::ExitCode;

use bulletin::cli::{self, Cli};
use clap::Parser;

/// Rendering allocates many small strings and maps; mimalloc handles that pattern faster than
/// the system allocator, across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Memory a build takes is touched once and mostly given back at the end: zeroing it in
    // transparent huge pages (2 MiB at a time, where mimalloc asks for them) cost a rebuild of
    // a 10,000-article site more time than everything else it did. Small pages are zeroed as
    // they are used.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(finished) => {
            if let Some(line) = finished.summary {
                match (cli::colour(&std::io::stdout()), finished.failed) {
                    (true, false) => println!("\x1b[32m{line}\x1b[0m"),
                    (true, true) => println!("\x1b[1;31m{line}\x1b[0m"),
                    (false, _) => println!("{line}"),
                }
            }
            if finished.failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => {
            cli::print_error(&error, "nothing was written");
            ExitCode::from(error.exit_code() as u8)
        }
    }
}
