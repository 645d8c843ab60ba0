//! Stage three: a [`PerfTest`] becomes an ordinary `#[test]` that hands a `Spec` and the
//! user's function to `::perfkit::__private::run`; an error becomes `compile_error!` plus the
//! user's function, so the user sees one message rather than a cascade.
//!
//! ```text
//! /// docs                                   // every outer attribute, in order
//! #[ignore]
//! #[test]
//! fn foo() {
//!     fn foo(b: &mut perfkit::Bencher, n: usize) { body }     // the user's fn, private
//!     ::perfkit::__private::run(
//!         &::perfkit::__private::Spec {
//!             path: ::core::concat!(::core::module_path!(), "::", "foo"),
//!             manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
//!             budgets: &[/* ... */],                 // only the options given, then
//!             ..::perfkit::__private::Spec::DEFAULT  // the defaults for the rest
//!         },
//!         ::perfkit::__private::Routine::Sized(foo),
//!     );
//! }
//! ```

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::{AttrStyle, ItemFn, LitInt, LitStr, Visibility};

use crate::model::{Pass, PerfTest, Routine, Spec, Throughput};

/// The test function for a valid perf test.
pub(crate) fn test(test: &PerfTest) -> TokenStream {
    let function = &test.function;
    let outer_attrs = function
        .attrs
        .iter()
        .filter(|attr| matches!(attr.style, AttrStyle::Outer));
    let vis = &function.vis;
    let ident = &function.sig.ident;

    // The user's function moves inside the test, keeping its inner attributes (`#![...]` in the
    // body) but giving its outer ones and its visibility to the test.
    let mut inner = function.clone();
    inner
        .attrs
        .retain(|attr| matches!(attr.style, AttrStyle::Inner(_)));
    inner.vis = Visibility::Inherited;

    let spec = spec(&test.spec, ident);
    let routine = Ident::new(test.routine.variant(), Span::call_site());
    // An `async fn` is handed over as a plain `fn` that boxes its future.
    let function = match test.routine {
        Routine::Async => quote!(|| ::perfkit::__private::boxed(#ident())),
        _ => quote!(#ident),
    };
    let call = if test.variants.is_empty() {
        quote! {
            ::perfkit::__private::run(
                &#spec,
                ::perfkit::__private::Routine::#routine(#function),
            );
        }
    } else {
        let variants = variants(test, &routine);
        quote! {
            ::perfkit::__private::run_variants(&#spec, &[#(#variants),*]);
        }
    };
    quote! {
        #(#outer_attrs)*
        #[test]
        #vis fn #ident() {
            #inner
            #call
        }
    }
}

/// One `::perfkit::__private::Variant { .. }` per type and argument (their product when both
/// are given, types outer). Each argument's expression is written twice, once to name the case
/// and once to call the function, so it is built afresh for every measurement and needs neither
/// `Clone` nor `'static`: the closures capture nothing, so they are plain `fn` pointers.
fn variants(test: &PerfTest, routine: &Ident) -> Vec<TokenStream> {
    let private = quote!(::perfkit::__private);
    let ident = &test.function.sig.ident;
    let none = quote!(::core::option::Option::None);
    let types: Vec<(TokenStream, TokenStream)> = if test.variants.types.is_empty() {
        vec![(quote!(#ident), none.clone())]
    } else {
        test.variants
            .types
            .iter()
            .map(|(ty, name)| {
                let name = LitStr::new(name, Span::call_site());
                (
                    quote!(#ident::<#ty>),
                    quote!(::core::option::Option::Some(#name)),
                )
            })
            .collect()
    };
    let mut out = Vec::new();
    for (function, ty) in &types {
        if test.variants.args.is_empty() {
            out.push(quote! {
                #private::Variant {
                    ty: #ty,
                    arg: #none,
                    routine: #private::Routine::#routine(#function),
                }
            });
            continue;
        }
        for arg in &test.variants.args {
            let passed = match test.variants.pass {
                Pass::Value => quote!(#arg),
                Pass::Ref => quote!(&(#arg)),
                Pass::Mut => quote!(&mut (#arg)),
            };
            out.push(quote! {
                #private::Variant {
                    ty: #ty,
                    arg: ::core::option::Option::Some(|| #private::arg_name(&(#arg))),
                    routine: #private::Routine::Bencher(
                        |b: &mut ::perfkit::Bencher| #function(b, #passed)
                    ),
                }
            });
        }
    }
    out
}

/// The `::perfkit::__private::Spec { ... }` literal: only the fields the attribute set, then
/// `..Spec::DEFAULT`, so a field added to `Spec` later does not break this expansion.
fn spec(spec: &Spec, ident: &Ident) -> TokenStream {
    let private = quote!(::perfkit::__private);
    let some = |value: TokenStream| quote!(::core::option::Option::Some(#value));
    let fn_name = LitStr::new(&ident.unraw().to_string(), ident.span());
    let mut fields = vec![
        quote!(path: ::core::concat!(::core::module_path!(), "::", #fn_name)),
        quote!(manifest_dir: ::core::env!("CARGO_MANIFEST_DIR")),
    ];
    let mut field = |name: &str, value: TokenStream| {
        let name = Ident::new(name, Span::call_site());
        fields.push(quote!(#name: #value));
    };
    if let Some(name) = &spec.name {
        field(
            "name",
            some(LitStr::new(name, Span::call_site()).into_token_stream()),
        );
    }
    if !spec.budgets.is_empty() {
        let budgets = spec.budgets.iter().map(|budget| {
            let stat = Ident::new(budget.stat.variant(), Span::call_site());
            let limit = Literal::u64_suffixed(budget.limit_ns);
            quote!(#private::TimeBudget { stat: #private::Stat::#stat, limit_ns: #limit })
        });
        field("budgets", quote!(&[#(#budgets),*]));
    }
    let u64_field = |value: Option<u64>| {
        value.map(|value| some(Literal::u64_suffixed(value).into_token_stream()))
    };
    let f64_field = |value: Option<f64>| {
        value.map(|value| some(Literal::f64_suffixed(value).into_token_stream()))
    };
    for (name, value) in [
        ("max_allocs", u64_field(spec.max_allocs)),
        ("max_bytes", u64_field(spec.max_bytes)),
        ("max_instructions", u64_field(spec.max_instructions)),
        ("warmup_ns", u64_field(spec.warmup_ns)),
        ("time_ns", u64_field(spec.time_ns)),
        ("regression", f64_field(spec.regression)),
        ("alpha", f64_field(spec.alpha)),
    ] {
        if let Some(value) = value {
            field(name, value);
        }
    }
    if let Some(throughput) = spec.throughput {
        let (kind, amount) = match throughput {
            Throughput::Bytes(bytes) => ("Bytes", bytes),
            Throughput::Elements(elements) => ("Elements", elements),
        };
        let kind = Ident::new(kind, Span::call_site());
        let amount = Literal::u64_suffixed(amount);
        field(
            "throughput",
            some(quote!(#private::Throughput::#kind(#amount))),
        );
    }
    if let Some(samples) = spec.samples {
        field(
            "samples",
            some(Literal::u32_suffixed(samples).into_token_stream()),
        );
    }
    if let Some(class) = spec.complexity {
        let class = Ident::new(class.variant(), Span::call_site());
        field("complexity", some(quote!(#private::Complexity::#class)));
    }
    if !spec.sizes.is_empty() {
        // Printed with a `usize` suffix from the u64 the user wrote: on a target whose `usize`
        // is narrower, rustc's overflow lint then names the size that does not fit.
        let sizes = spec
            .sizes
            .iter()
            .map(|size| LitInt::new(&format!("{size}usize"), Span::call_site()));
        field("sizes", quote!(&[#(#sizes),*]));
    }
    if let Some(load) = &spec.load {
        field("load", some(load_spec(load)));
    }
    if !spec.threads.is_empty() {
        let threads = spec
            .threads
            .iter()
            .map(|n| LitInt::new(&format!("{n}usize"), Span::call_site()));
        field("threads", quote!(&[#(#threads),*]));
    }
    quote! {
        #private::Spec {
            #(#fields,)*
            ..#private::Spec::DEFAULT
        }
    }
}

/// The `::perfkit::__private::LoadSpec { ... }` literal: the options given, then its defaults.
fn load_spec(load: &crate::model::LoadSpec) -> TokenStream {
    let private = quote!(::perfkit::__private);
    let some = |value: Literal| quote!(::core::option::Option::Some(#value));
    let fields = [
        ("concurrency", load.concurrency.map(Literal::u32_suffixed)),
        ("rate_per_s", load.rate_per_s.map(Literal::f64_suffixed)),
        ("requests", load.requests.map(Literal::u64_suffixed)),
        ("duration_ns", load.duration_ns.map(Literal::u64_suffixed)),
        ("timeout_ns", load.timeout_ns.map(Literal::u64_suffixed)),
        (
            "max_error_rate",
            load.max_error_rate.map(Literal::f64_suffixed),
        ),
        (
            "min_throughput",
            load.min_throughput.map(Literal::f64_suffixed),
        ),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        let name = Ident::new(name, Span::call_site());
        let value = some(value?);
        Some(quote!(#name: #value))
    });
    quote! {
        #private::LoadSpec {
            #(#fields,)*
            ..#private::LoadSpec::DEFAULT
        }
    }
}

/// `compile_error!` for `error`, followed by the user's item so that its uses still resolve.
/// A `#[test]` on it is dropped: the test harness would add its own complaint about the
/// signature.
pub(crate) fn fallback(
    error: syn::Error,
    item: TokenStream,
    function: Option<ItemFn>,
) -> TokenStream {
    let error = error.into_compile_error();
    let item = match function {
        Some(mut function) => {
            function.attrs.retain(|attr| !attr.path().is_ident("test"));
            function.into_token_stream()
        }
        None => item,
    };
    quote! {
        #error
        #[allow(dead_code)]
        #item
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate;
    use syn::parse_quote;

    fn expand(attr: TokenStream, function: ItemFn) -> String {
        let args = syn::parse2(attr).expect("the attribute parses");
        let perf_test = validate::perf_test(&args, function).expect("valid");
        test(&perf_test).to_string()
    }

    #[test]
    fn a_sized_test_with_attributes() {
        let actual = expand(
            quote!(
                budget = "100ms",
                p99 = "5ms",
                max_allocs = 0,
                complexity = "O(n)",
                sizes = [1000, 2000, 4000],
                name = "x"
            ),
            parse_quote! {
                /// docs
                #[ignore]
                pub fn foo(b: &mut perfkit::Bencher, n: usize) {
                    #![allow(unused)]
                    let _ = (b, n);
                }
            },
        );
        let expected = quote! {
            /// docs
            #[ignore]
            #[test]
            pub fn foo() {
                fn foo(b: &mut perfkit::Bencher, n: usize) {
                    #![allow(unused)]
                    let _ = (b, n);
                }
                ::perfkit::__private::run(
                    &::perfkit::__private::Spec {
                        path: ::core::concat!(::core::module_path!(), "::", "foo"),
                        manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
                        name: ::core::option::Option::Some("x"),
                        budgets: &[
                            ::perfkit::__private::TimeBudget {
                                stat: ::perfkit::__private::Stat::Median,
                                limit_ns: 100000000u64
                            },
                            ::perfkit::__private::TimeBudget {
                                stat: ::perfkit::__private::Stat::P99,
                                limit_ns: 5000000u64
                            }
                        ],
                        max_allocs: ::core::option::Option::Some(0u64),
                        complexity: ::core::option::Option::Some(
                            ::perfkit::__private::Complexity::Linear
                        ),
                        sizes: &[1000usize, 2000usize, 4000usize],
                        ..::perfkit::__private::Spec::DEFAULT
                    },
                    ::perfkit::__private::Routine::Sized(foo),
                );
            }
        };
        assert_eq!(actual, expected.to_string());
    }

    #[test]
    fn a_plain_test_sets_only_path_and_manifest_dir() {
        let actual = expand(
            quote!(),
            parse_quote!(
                fn r#match() {}
            ),
        );
        let expected = quote! {
            #[test]
            fn r#match() {
                fn r#match() {}
                ::perfkit::__private::run(
                    &::perfkit::__private::Spec {
                        path: ::core::concat!(::core::module_path!(), "::", "match"),
                        manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
                        ..::perfkit::__private::Spec::DEFAULT
                    },
                    ::perfkit::__private::Routine::Plain(r#match),
                );
            }
        };
        assert_eq!(actual, expected.to_string());
    }

    #[test]
    fn every_remaining_option_becomes_a_field() {
        let actual = expand(
            quote!(
                max_bytes = "1KiB",
                throughput = "elements:10",
                samples = 50,
                warmup = "1s",
                time = "2s",
                regression = "5%",
                alpha = 0.01
            ),
            parse_quote!(
                fn f(b: &mut Bencher) {}
            ),
        );
        for field in [
            "max_bytes : :: core :: option :: Option :: Some (1024u64)",
            "throughput : :: core :: option :: Option :: Some (:: perfkit :: __private :: \
             Throughput :: Elements (10u64))",
            "samples : :: core :: option :: Option :: Some (50u32)",
            "warmup_ns : :: core :: option :: Option :: Some (1000000000u64)",
            "time_ns : :: core :: option :: Option :: Some (2000000000u64)",
            "regression : :: core :: option :: Option :: Some (0.05f64)",
            "alpha : :: core :: option :: Option :: Some (0.01f64)",
            ":: perfkit :: __private :: Routine :: Bencher (f)",
        ] {
            assert!(actual.contains(field), "{field} not in {actual}");
        }
    }

    #[test]
    fn types_and_args_become_variants_and_threads_a_field() {
        let actual = expand(
            quote!(types = [u8, Vec<u8>], args = ["short"], threads = [1, 4]),
            parse_quote!(
                fn f<T>(b: &mut Bencher, s: &str) {}
            ),
        );
        let variant = |ty: TokenStream, name: &str| {
            quote! {
                ::perfkit::__private::Variant {
                    ty: ::core::option::Option::Some(#name),
                    arg: ::core::option::Option::Some(
                        || ::perfkit::__private::arg_name(&("short"))
                    ),
                    routine: ::perfkit::__private::Routine::Bencher(
                        |b: &mut ::perfkit::Bencher| f::<#ty>(b, &("short"))
                    ),
                }
            }
            .to_string()
        };
        assert!(
            actual.contains(":: perfkit :: __private :: run_variants"),
            "{actual}"
        );
        assert!(actual.contains(&variant(quote!(u8), "u8")), "{actual}");
        assert!(
            actual.contains(&variant(quote!(Vec<u8>), "Vec<u8>")),
            "{actual}"
        );
        assert!(actual.contains("threads : & [1usize , 4usize]"), "{actual}");
    }

    #[test]
    fn an_error_keeps_the_function_without_its_test_attribute() {
        let function: ItemFn = parse_quote! {
            #[test]
            #[inline]
            fn f() {}
        };
        let error = syn::Error::new(Span::call_site(), "boom");
        let actual = fallback(error, TokenStream::new(), Some(function)).to_string();
        assert!(
            actual.starts_with(":: core :: compile_error ! { \"boom\" }"),
            "{actual}"
        );
        assert!(
            actual.ends_with("# [allow (dead_code)] # [inline] fn f () { }"),
            "{actual}"
        );
    }
}
