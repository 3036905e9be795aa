//! Entry point of the browser build; everything lives in the library so that
//! the browser tests can reach it.

fn main() {
    yim::start();
}
