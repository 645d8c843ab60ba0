//! Stage two: the raw options and the function become a [`PerfTest`], or a `syn::Error` on the
//! offending token.
//!
//! `options` converts every value once (durations to nanoseconds, sizes to bytes, percentages to
//! fractions, class names to enums) into a [`Spec`]; `signature` decides the [`Routine`] from the
//! function's form; `variants` reads `types` and `args`, which the form must fit. This file
//! checks the rest against each other: `sizes` needs an `n`, an `n` needs `sizes`.

mod load;
mod options;
mod signature;
mod variants;

use quote::ToTokens;
use syn::{FnArg, ItemFn};

use crate::model::{PerfTest, Routine};
use crate::parse::{Args, Key};

use options::spec;
use signature::{Takes, routine};

/// Validates the options and the function, reporting one error for each when both are wrong.
pub(crate) fn perf_test(args: &Args, function: ItemFn) -> syn::Result<PerfTest> {
    let given = |key: Key| args.options.iter().any(|option| option.key == key);
    let takes = Takes {
        types: given(Key::Types),
        args: given(Key::Args),
    };
    let (spec, routine) = match (spec(args), routine(&function, takes)) {
        (Ok(spec), Ok(routine)) => (spec, routine),
        (Err(mut first), Err(second)) => {
            first.combine(second);
            return Err(first);
        }
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => return Err(error),
    };
    load::check(args, routine, &function)?;
    if routine == Routine::Async
        && let Some(option) = args
            .options
            .iter()
            .find(|o| matches!(o.key, Key::Types | Key::Args))
    {
        return Err(syn::Error::new(
            option.ident.span(),
            format!(
                "`{}` does not apply to an `async fn` perf test; write one `async fn` per case",
                option.key.name()
            ),
        ));
    }
    let variants = variants::variants(args, &function, routine)?;
    if !variants.args.is_empty() {
        // Each argument is bound in a closure of the `fn(&mut Bencher)` form.
        return Ok(PerfTest {
            function,
            routine: Routine::Bencher,
            spec,
            variants,
        });
    }
    let sizes = args.options.iter().find(|option| option.key == Key::Sizes);
    match (routine, sizes) {
        (Routine::Sized, None) => {
            let n = &function.sig.inputs[1];
            let FnArg::Typed(n_typed) = n else {
                unreachable!("receivers are rejected by `routine`")
            };
            let pat = n_typed.pat.to_token_stream();
            return Err(syn::Error::new_spanned(
                n,
                format!(
                    "`{pat}` takes each of the `sizes`, but none are given: add \
                     `sizes = [1_000, 2_000, 4_000]` or `sizes = \"1000..=64000 x2\"` \
                     to #[perf_test(...)]"
                ),
            ));
        }
        (Routine::Plain | Routine::Bencher | Routine::Load | Routine::Async, Some(option)) => {
            return Err(syn::Error::new(
                option.ident.span(),
                format!(
                    "`sizes` needs a second parameter `n: usize` to pass each size to: write \
                     `fn {}(b: &mut perfkit::Bencher, n: usize)`",
                    function.sig.ident
                ),
            ));
        }
        _ => {}
    }
    Ok(PerfTest {
        function,
        routine,
        spec,
        variants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;
    use syn::parse_quote;

    fn args(tokens: TokenStream) -> Args {
        syn::parse2(tokens).expect("the attribute parses")
    }

    fn test_error(attr: TokenStream, function: ItemFn) -> String {
        perf_test(&args(attr), function)
            .expect_err("rejected")
            .to_string()
    }

    #[test]
    fn sizes_and_n_go_together() {
        assert_eq!(
            test_error(
                quote!(sizes = [1, 2]),
                parse_quote!(
                    fn f(b: &mut Bencher) {}
                )
            ),
            "`sizes` needs a second parameter `n: usize` to pass each size to: write \
             `fn f(b: &mut perfkit::Bencher, n: usize)`"
        );
        assert_eq!(
            test_error(
                quote!(),
                parse_quote!(
                    fn f(b: &mut Bencher, n: usize) {}
                )
            ),
            "`n` takes each of the `sizes`, but none are given: add `sizes = [1_000, 2_000, \
             4_000]` or `sizes = \"1000..=64000 x2\"` to #[perf_test(...)]"
        );
        let ok = perf_test(
            &args(quote!(sizes = [1, 2])),
            parse_quote!(
                fn f(b: &mut Bencher, n: usize) {}
            ),
        )
        .unwrap();
        assert_eq!((ok.routine, ok.spec.sizes), (Routine::Sized, vec![1, 2]));
    }

    #[test]
    fn an_option_error_and_a_function_error_are_both_reported() {
        let error = perf_test(
            &args(quote!(budget = "0s")),
            parse_quote!(
                const fn f() {}
            ),
        )
        .expect_err("rejected");
        let messages: Vec<String> = error.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0], "budget must be greater than zero");
        assert!(messages[1].starts_with("a perf test cannot be a `const fn`"));
    }
}
