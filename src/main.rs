//! Runs the command line, prints the error and its causes, and sets the exit code.

use std::io::IsTerminal;
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
        Ok(summary) => {
            if let Some(line) = summary {
                let colour =
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                if colour {
                    println!("\x1b[32m{line}\x1b[0m");
                } else {
                    println!("{line}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            report(&error);
            ExitCode::from(error.exit_code() as u8)
        }
    }
}

/// Prints every problem in `error` on stderr, sorted by file, then how many there were.
fn report(error: &Error) {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
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
