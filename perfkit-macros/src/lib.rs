//! The `#[perf_test]` attribute.
use proc_macro::TokenStream;

/// Turns a function into a perf test.
#[proc_macro_attribute]
pub fn perf_test(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}
