//! The `itcost` binary: parses the command line and hands over to [`itcost::cli`].

fn main() {
    std::process::exit(itcost::cli::main());
}
