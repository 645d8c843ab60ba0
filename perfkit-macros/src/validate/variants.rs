//! The options that make one test several benchmarks: `types = [u8, u64]` (a generic function
//! run at each type), `args = [...]` (a function run with each value) and `threads = [1, 2, 4]`
//! (the routine run on that many threads at once), each checked against the function's form.

use proc_macro2::{Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Expr, FnArg, GenericParam, ItemFn, Lit, Token, Type};

use super::options::{literal, negated};
use crate::model::{Pass, Routine, Variants};
use crate::parse::{Args, Key, RawOption};

/// The most threads a test may ask for: far beyond any machine's cores, low enough that a typo
/// (`threads = [10000]`) is caught before it starts ten thousand threads.
const MAX_THREADS: u64 = 1024;

/// `types` and `args`, read and checked against `function` (whose form is `routine`).
pub(super) fn variants(args: &Args, function: &ItemFn, routine: Routine) -> syn::Result<Variants> {
    let mut variants = Variants::default();
    let find = |key: Key| args.options.iter().find(|option| option.key == key);
    if let Some(option) = find(Key::Types) {
        variants.types = types(option)?;
        check_one_type_parameter(option, function)?;
    }
    if let Some(option) = find(Key::Args) {
        variants.args = arg_values(option)?;
        if let Some(sizes) = find(Key::Sizes) {
            return Err(syn::Error::new(
                sizes.ident.span(),
                "`args` and `sizes` cannot be combined: the second parameter takes either each \
                 argument or each size; make the size part of each argument (`args = [(1_000, \
                 \"a\"), ...]`) or write two tests",
            ));
        }
        variants.pass = arg_parameter(option, function, routine)?;
    }
    Ok(variants)
}

/// `[u8, Vec<u64>]`: at least one type, none twice.
fn types(option: &RawOption) -> syn::Result<Vec<(Type, String)>> {
    let not_a_list = || {
        syn::Error::new_spanned(
            &option.value,
            "`types` takes a list of types, like `types = [u8, u64, Vec<u8>]`",
        )
    };
    let tokens = option.value.to_token_stream();
    let mut trees = tokens.clone().into_iter();
    let group = match (trees.next(), trees.next()) {
        (Some(TokenTree::Group(group)), None)
            if group.delimiter() == proc_macro2::Delimiter::Bracket =>
        {
            group
        }
        _ => return Err(not_a_list()),
    };
    let parser = Punctuated::<Type, Token![,]>::parse_terminated;
    let list = syn::parse::Parser::parse2(parser, group.stream())?;
    if list.is_empty() {
        return Err(syn::Error::new_spanned(tokens, "`types` must not be empty"));
    }
    let mut out: Vec<(Type, String)> = Vec::with_capacity(list.len());
    for ty in list {
        let name = type_name(&ty);
        if out.iter().any(|(_, seen)| *seen == name) {
            return Err(syn::Error::new_spanned(
                &ty,
                format!("type `{name}` given twice"),
            ));
        }
        out.push((ty, name));
    }
    Ok(out)
}

/// A type as a person writes it (`Vec<u8>`, `HashMap<u8, u64>`, `&'static str`), for the
/// benchmark's name: `TokenStream`'s own text spaces every token (`Vec < u8 >`).
pub(crate) fn type_name(ty: &Type) -> String {
    fn word(tree: &TokenTree) -> bool {
        matches!(tree, TokenTree::Ident(_) | TokenTree::Literal(_))
    }
    fn print(tokens: TokenStream, out: &mut String) {
        let mut previous: Option<TokenTree> = None;
        for tree in tokens {
            if let Some(previous) = &previous {
                let after_separator = matches!(
                    previous,
                    TokenTree::Punct(p) if matches!(p.as_char(), ',' | ';')
                        && p.spacing() == Spacing::Alone
                );
                if after_separator || (word(previous) && word(&tree)) {
                    out.push(' ');
                }
            }
            match &tree {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                        proc_macro2::Delimiter::Bracket => ("[", "]"),
                        proc_macro2::Delimiter::Brace => ("{", "}"),
                        proc_macro2::Delimiter::None => ("", ""),
                    };
                    out.push_str(open);
                    print(group.stream(), out);
                    out.push_str(close);
                }
                other => out.push_str(&other.to_string()),
            }
            previous = Some(tree);
        }
    }
    let mut out = String::new();
    print(ty.to_token_stream(), &mut out);
    out
}

/// With `types`, the function has exactly one type parameter (bounds and a `where` clause are
/// fine) and no lifetime or const parameters.
fn check_one_type_parameter(option: &RawOption, function: &ItemFn) -> syn::Result<()> {
    let generics = &function.sig.generics;
    let ident = &function.sig.ident;
    let types = generics
        .params
        .iter()
        .filter(|p| matches!(p, GenericParam::Type(_)))
        .count();
    if let Some(other) = generics
        .params
        .iter()
        .find(|p| !matches!(p, GenericParam::Type(_)))
    {
        return Err(syn::Error::new_spanned(
            other,
            "a perf test with `types` takes one type parameter and no lifetime or const \
             parameters: perfkit calls it as `f::<T>` for each of the `types`",
        ));
    }
    match types {
        1 => Ok(()),
        0 => Err(syn::Error::new(
            option.ident.span(),
            format!(
                "`types` needs a generic function to run at each type: write \
                 `fn {ident}<T: ...>(b: &mut perfkit::Bencher)`"
            ),
        )),
        _ => Err(syn::Error::new_spanned(
            &generics.params,
            "a perf test with `types` takes exactly one type parameter: perfkit calls it as \
             `f::<T>` for each of the `types`",
        )),
    }
}

/// `[expr, ...]`: at least one value, none written twice.
fn arg_values(option: &RawOption) -> syn::Result<Vec<Expr>> {
    let Expr::Array(array) = super::options::ungroup(&option.value) else {
        return Err(syn::Error::new_spanned(
            &option.value,
            "`args` takes a list of values, like `args = [\"short\", \"long\"]` or \
             `args = [Point { x: 1 }, Point { x: 2 }]`",
        ));
    };
    if array.elems.is_empty() {
        return Err(syn::Error::new_spanned(array, "`args` must not be empty"));
    }
    let mut seen: Vec<String> = Vec::with_capacity(array.elems.len());
    for element in &array.elems {
        let text = element.to_token_stream().to_string();
        if seen.contains(&text) {
            return Err(syn::Error::new_spanned(
                element,
                format!("argument `{text}` given twice"),
            ));
        }
        seen.push(text);
    }
    Ok(array.elems.iter().cloned().collect())
}

/// With `args`, the function is `fn(b: &mut Bencher, arg: T)`; how it takes `arg` decides how
/// each value is passed (`&T` and `&mut T` get a reference to it).
fn arg_parameter(option: &RawOption, function: &ItemFn, routine: Routine) -> syn::Result<Pass> {
    let needs = || {
        syn::Error::new(
            option.ident.span(),
            format!(
                "`args` needs a second parameter to pass each argument to: write `fn {}(b: &mut \
                 perfkit::Bencher, arg: T)`",
                function.sig.ident
            ),
        )
    };
    if routine != Routine::Sized {
        return Err(needs());
    }
    let Some(FnArg::Typed(arg)) = function.sig.inputs.iter().nth(1) else {
        return Err(needs());
    };
    Ok(match &*arg.ty {
        Type::Reference(r) if r.mutability.is_some() => Pass::Mut,
        Type::Reference(_) => Pass::Ref,
        _ => Pass::Value,
    })
}

/// `[1, 2, 4]`: thread counts from 1 to [`MAX_THREADS`], none twice.
pub(super) fn threads(option: &RawOption) -> syn::Result<Vec<u64>> {
    let Expr::Array(array) = super::options::ungroup(&option.value) else {
        return Err(syn::Error::new_spanned(
            &option.value,
            "`threads` takes a list of thread counts, like `threads = [1, 2, 4]`",
        ));
    };
    if array.elems.is_empty() {
        return Err(syn::Error::new_spanned(
            array,
            "`threads` must not be empty",
        ));
    }
    let mut counts: Vec<u64> = Vec::with_capacity(array.elems.len());
    for element in &array.elems {
        let count: u64 = match (literal(element), negated(element)) {
            (Some(Lit::Int(lit)), _) if matches!(lit.suffix(), "" | "usize") => {
                lit.base10_parse()?
            }
            (_, Some(Lit::Int(_))) => 0,
            _ => {
                return Err(syn::Error::new_spanned(
                    element,
                    "each thread count must be an integer literal, like `4`",
                ));
            }
        };
        if !(1..=MAX_THREADS).contains(&count) {
            return Err(syn::Error::new_spanned(
                element,
                format!("each thread count must be from 1 to {MAX_THREADS}"),
            ));
        }
        if counts.contains(&count) {
            return Err(syn::Error::new_spanned(
                element,
                format!("thread count {count} given twice"),
            ));
        }
        counts.push(count);
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;
    use syn::parse_quote;

    fn parsed(attr: TokenStream) -> Args {
        syn::parse2(attr).expect("the attribute parses")
    }

    fn variants_of(attr: TokenStream, function: ItemFn) -> syn::Result<Variants> {
        let args = parsed(attr);
        let routine = match function.sig.inputs.len() {
            0 => Routine::Plain,
            1 => Routine::Bencher,
            _ => Routine::Sized,
        };
        variants(&args, &function, routine)
    }

    fn error(attr: TokenStream, function: ItemFn) -> String {
        match variants_of(attr, function) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn type_names_read_as_written() {
        let cases: [(Type, &str); 6] = [
            (parse_quote!(u8), "u8"),
            (parse_quote!(Vec<i32>), "Vec<i32>"),
            (
                parse_quote!(std::collections::HashMap<u8, Vec<u64>>),
                "std::collections::HashMap<u8, Vec<u64>>",
            ),
            (parse_quote!(&'static str), "&'static str"),
            (parse_quote!([u8; 4]), "[u8; 4]"),
            (parse_quote!((u8, u16)), "(u8, u16)"),
        ];
        for (ty, name) in cases {
            assert_eq!(type_name(&ty), name);
        }
    }

    #[test]
    fn types_need_one_type_parameter() {
        let ok = variants_of(
            quote!(types = [u8, Vec<u64>]),
            parse_quote!(
                fn f<T: Default>(b: &mut Bencher)
                where
                    T: Clone,
                {
                }
            ),
        )
        .unwrap();
        let names: Vec<&str> = ok.types.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["u8", "Vec<u64>"]);
        assert_eq!(
            error(
                quote!(types = [u8]),
                parse_quote!(
                    fn f(b: &mut Bencher) {}
                )
            ),
            "`types` needs a generic function to run at each type: write `fn f<T: ...>(b: &mut \
             perfkit::Bencher)`"
        );
        assert!(
            error(
                quote!(types = [u8]),
                parse_quote!(
                    fn f<T, U>() {}
                )
            )
            .starts_with("a perf test with `types` takes exactly one type parameter")
        );
        assert!(
            error(
                quote!(types = [u8]),
                parse_quote!(
                    fn f<'a, T>() {}
                )
            )
            .starts_with("a perf test with `types` takes one type parameter and no lifetime")
        );
    }

    #[test]
    fn bad_type_lists() {
        let f: ItemFn = parse_quote!(
            fn f<T>() {}
        );
        assert_eq!(
            error(quote!(types = u8), f.clone()),
            "`types` takes a list of types, like `types = [u8, u64, Vec<u8>]`"
        );
        assert_eq!(
            error(quote!(types = []), f.clone()),
            "`types` must not be empty"
        );
        assert_eq!(
            error(quote!(types = [u8, Vec<u8>, u8]), f.clone()),
            "type `u8` given twice"
        );
        assert!(variants_of(quote!(types = [1 + 2]), f).is_err());
    }

    #[test]
    fn args_and_how_they_are_passed() {
        let by_ref = variants_of(
            quote!(args = ["short", "long"]),
            parse_quote!(
                fn f(b: &mut Bencher, s: &str) {}
            ),
        )
        .unwrap();
        assert_eq!((by_ref.args.len(), by_ref.pass), (2, Pass::Ref));
        let by_value = variants_of(
            quote!(args = [Point { x: 1 }, Point { x: 2 }]),
            parse_quote!(
                fn f(b: &mut Bencher, p: Point) {}
            ),
        )
        .unwrap();
        assert_eq!(by_value.pass, Pass::Value);
        let by_mut = variants_of(
            quote!(args = [vec![1]]),
            parse_quote!(
                fn f(b: &mut Bencher, v: &mut Vec<u8>) {}
            ),
        )
        .unwrap();
        assert_eq!(by_mut.pass, Pass::Mut);
    }

    #[test]
    fn bad_args() {
        let f: ItemFn = parse_quote!(
            fn f(b: &mut Bencher, s: &str) {}
        );
        assert_eq!(
            error(quote!(args = []), f.clone()),
            "`args` must not be empty"
        );
        assert_eq!(
            error(quote!(args = "a"), f.clone()),
            "`args` takes a list of values, like `args = [\"short\", \"long\"]` or `args = \
             [Point { x: 1 }, Point { x: 2 }]`"
        );
        assert_eq!(
            error(quote!(args = ["a", "b", "a"]), f.clone()),
            "argument `\"a\"` given twice"
        );
        assert_eq!(
            error(
                quote!(args = ["a"]),
                parse_quote!(
                    fn g(b: &mut Bencher) {}
                )
            ),
            "`args` needs a second parameter to pass each argument to: write `fn g(b: &mut \
             perfkit::Bencher, arg: T)`"
        );
        assert!(
            error(quote!(args = ["a"], sizes = [1, 2]), f)
                .starts_with("`args` and `sizes` cannot be combined")
        );
    }

    #[test]
    fn thread_counts() {
        let of = |attr: TokenStream| threads(&parsed(attr).options[0]);
        assert_eq!(of(quote!(threads = [1, 2, 4])).unwrap(), [1, 2, 4]);
        let message = |attr| of(attr).unwrap_err().to_string();
        assert_eq!(message(quote!(threads = [])), "`threads` must not be empty");
        assert_eq!(
            message(quote!(threads = [0, 1])),
            "each thread count must be from 1 to 1024"
        );
        assert_eq!(
            message(quote!(threads = [-2])),
            "each thread count must be from 1 to 1024"
        );
        assert_eq!(
            message(quote!(threads = [2000])),
            "each thread count must be from 1 to 1024"
        );
        assert_eq!(
            message(quote!(threads = [2, 2])),
            "thread count 2 given twice"
        );
        assert_eq!(
            message(quote!(threads = [N])),
            "each thread count must be an integer literal, like `4`"
        );
        assert_eq!(
            message(quote!(threads = 4)),
            "`threads` takes a list of thread counts, like `threads = [1, 2, 4]`"
        );
    }
}
