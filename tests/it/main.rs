//! Integration tests: each module builds small sites with the real binary.

mod archive;
mod build;
mod check;
mod errors;
mod incremental;
mod links;
mod new;
mod news;
mod safety;
mod search;
mod serve;
mod support;
mod themes;
