//! Runs the command line, prints the error and its causes, and sets the exit code.

use std::process::ExitCode;

use bulletin::Error;
use bulletin::cli::{self, Cli};
use clap::Parser;

/// Rendering allocates many small strings and maps; mimalloc handles that pattern faster than
/// the system allocator, across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
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
            report(&error);
            ExitCode::from(error.exit_code() as u8)
        }
    }
}

/// Prints every problem in `error` on stderr, sorted by file, then how many there were.
fn report(error: &Error) {
    let colour = cli::colour(&std::io::stderr());
    let label = if colour {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    };
    let mut problems = error.problems();
    problems.sort_by(|a, b| a.location().cmp(&b.location()));
    for problem in &problems {
        eprintln!("{label}: {problem}");
        if let Some(hint) = problem.hint() {
            eprintln!("  hint: {hint}");
        }
        let mut source = std::error::Error::source(*problem);
        while let Some(cause) = source {
            eprintln!("  caused by: {cause}");
            source = cause.source();
        }
    }
    if problems.len() > 1 {
        eprintln!("{label}: {} errors; nothing was written", problems.len());
    } else {
        eprintln!("{label}: nothing was written");
    }
}
