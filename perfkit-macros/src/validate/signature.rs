//! The function's form: which [`Routine`] it is, or an error on the first part of its
//! signature (or attributes) that perfkit cannot drive.

use quote::ToTokens;
use syn::{Attribute, FnArg, ItemFn, ReturnType, Type};

use crate::model::Routine;

/// Which options change the forms a function may have.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Takes {
    /// `types = [...]`: the function is generic (checked by `variants`).
    pub types: bool,
    /// `args = [...]`: the second parameter takes each argument, of any type.
    pub args: bool,
}

/// The function's form, or an error on the first thing perfkit cannot drive.
pub(super) fn routine(function: &ItemFn, takes: Takes) -> syn::Result<Routine> {
    for attr in &function.attrs {
        check_attribute(attr)?;
    }
    let sig = &function.sig;
    let reject =
        |tokens: &dyn ToTokens, message: &str| Err(syn::Error::new_spanned(tokens, message));
    if let Some(constness) = &sig.constness {
        return reject(
            constness,
            "a perf test cannot be a `const fn`: it is timed at run time, and calls to a \
             `const fn` may be evaluated at compile time; remove `const`",
        );
    }
    if let Some(asyncness) = &sig.asyncness
        && !sig.inputs.is_empty()
    {
        return reject(
            asyncness,
            "an `async fn` perf test takes no parameters: its whole future is timed, once per \
             iteration, on a Tokio runtime; for a load test, write a plain `fn(load: &mut \
             perfkit::Load)` and hand the async request to `load.run_async(...)`",
        );
    }
    if let syn::Safety::Unsafe(unsafety) = &sig.safety {
        return reject(
            unsafety,
            "a perf test cannot be an `unsafe fn`: the test harness calls it without an \
             `unsafe` block; make it safe and put `unsafe { ... }` inside",
        );
    }
    if let Some(abi) = &sig.abi {
        return reject(
            abi,
            "a perf test cannot have an `extern` ABI: perfkit calls it as a plain Rust `fn`",
        );
    }
    let generic = "a perf test cannot be generic: perfkit calls it without type, lifetime or \
                   const arguments (for one benchmark per type, add `types = [u8, u64]`)";
    if sig.generics.lt_token.is_some() && !takes.types {
        return reject(&sig.generics, generic);
    }
    if let Some(where_clause) = &sig.generics.where_clause
        && !takes.types
    {
        return reject(where_clause, generic);
    }
    let mut typed = Vec::with_capacity(sig.inputs.len());
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                return reject(
                    receiver,
                    "a perf test cannot take `self`: make it a free function outside the \
                     `impl` block",
                );
            }
            FnArg::Typed(pat_type) => typed.push(pat_type),
        }
    }
    if let Some(extra) = typed.get(2) {
        return reject(
            extra,
            "a perf test takes at most two parameters: `b: &mut perfkit::Bencher` and \
             `n: usize`",
        );
    }
    let load = typed
        .first()
        .is_some_and(|first| is_mut_ref_to(&first.ty, "Load"));
    if let (true, Some(extra)) = (load, typed.get(1)) {
        return reject(
            extra,
            "a load test takes one parameter, `load: &mut perfkit::Load`",
        );
    }
    if let Some(first) = typed.first()
        && !load
        && !is_bencher_ref(&first.ty)
    {
        return reject(
            &first.ty,
            "the first parameter of a perf test must be `&mut perfkit::Bencher` (or \
             `&mut perfkit::Load`, for a load test)",
        );
    }
    if let Some(second) = typed.get(1)
        && !takes.args
        && !is_path_to(&second.ty, "usize")
    {
        return reject(
            &second.ty,
            "the second parameter of a perf test must be `n: usize`: it receives each of \
             the `sizes`",
        );
    }
    if let ReturnType::Type(_, ty) = &sig.output
        && !is_unit(ty)
    {
        return reject(
            ty,
            "a perf test must return `()`: pass a value to `perfkit::black_box(...)` instead of \
             returning it, and `.unwrap()` results",
        );
    }
    Ok(match typed.len() {
        0 if sig.asyncness.is_some() => Routine::Async,
        _ if load => Routine::Load,
        0 => Routine::Plain,
        1 => Routine::Bencher,
        _ => Routine::Sized,
    })
}

/// Rejects attributes that would turn the expansion into a second test.
fn check_attribute(attr: &Attribute) -> syn::Result<()> {
    // Only a `#[test]` written below `#[perf_test]` reaches here: one written above expands
    // first and leaves no trace on the item, so that order registers the test twice.
    let path = attr.path();
    if path.is_ident("test") {
        return Err(syn::Error::new_spanned(
            attr,
            "remove `#[test]`: #[perf_test] already makes this a test",
        ));
    }
    if path
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "perf_test")
    {
        return Err(syn::Error::new_spanned(
            attr,
            "#[perf_test] given twice; merge the options into one attribute",
        ));
    }
    Ok(())
}

fn ungroup_type(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => ungroup_type(&group.elem),
        Type::Paren(paren) => ungroup_type(&paren.elem),
        _ => ty,
    }
}

/// `&mut Bencher`, `&mut perfkit::Bencher`, `&'_ mut ::perfkit::measure::Bencher`, ...: any path
/// that ends in a plain `Bencher`. Whether it is perfkit's is left to the type checker.
fn is_bencher_ref(ty: &Type) -> bool {
    is_mut_ref_to(ty, "Bencher")
}

/// `&mut <path ending in name>`.
fn is_mut_ref_to(ty: &Type, name: &str) -> bool {
    match ungroup_type(ty) {
        Type::Reference(reference) => {
            reference.mutability.is_some() && is_path_to(&reference.elem, name)
        }
        _ => false,
    }
}

fn is_path_to(ty: &Type, name: &str) -> bool {
    match ungroup_type(ty) {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == name && last.arguments.is_none()),
        _ => false,
    }
}

fn is_unit(ty: &Type) -> bool {
    matches!(ungroup_type(ty), Type::Tuple(tuple) if tuple.elems.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn routine_error(function: ItemFn) -> String {
        routine(&function, Takes::default())
            .expect_err("the function is rejected")
            .to_string()
    }

    #[test]
    fn the_three_function_forms() {
        let plain: ItemFn = parse_quote!(
            fn f() {}
        );
        let unit: ItemFn = parse_quote!(
            pub(crate) fn f() -> () {}
        );
        let bencher: ItemFn = parse_quote!(
            fn f(b: &mut perfkit::Bencher) {}
        );
        let imported: ItemFn = parse_quote!(
            fn f(_: &'_ mut Bencher) {}
        );
        let sized: ItemFn = parse_quote!(
            fn f(mut b: &mut ::perfkit::Bencher, n: usize) {}
        );
        let primitive: ItemFn = parse_quote!(
            fn f(b: &mut Bencher, n: core::primitive::usize) {}
        );
        assert_eq!(routine(&plain, Takes::default()).unwrap(), Routine::Plain);
        assert_eq!(routine(&unit, Takes::default()).unwrap(), Routine::Plain);
        assert_eq!(
            routine(&bencher, Takes::default()).unwrap(),
            Routine::Bencher
        );
        assert_eq!(
            routine(&imported, Takes::default()).unwrap(),
            Routine::Bencher
        );
        assert_eq!(routine(&sized, Takes::default()).unwrap(), Routine::Sized);
        assert_eq!(
            routine(&primitive, Takes::default()).unwrap(),
            Routine::Sized
        );
    }

    #[test]
    fn functions_perfkit_cannot_drive() {
        let cases: [(ItemFn, &str); 14] = [
            (
                parse_quote!(
                    async fn f(b: &mut Bencher) {}
                ),
                "an `async fn` perf test takes no parameters",
            ),
            (
                parse_quote!(
                    const fn f() {}
                ),
                "a perf test cannot be a `const fn`",
            ),
            (
                parse_quote!(
                    unsafe fn f() {}
                ),
                "a perf test cannot be an `unsafe fn`",
            ),
            (
                parse_quote!(
                    extern "C" fn f() {}
                ),
                "a perf test cannot have an `extern` ABI",
            ),
            (
                parse_quote!(
                    fn f<T>() {}
                ),
                "a perf test cannot be generic",
            ),
            (
                parse_quote!(
                    fn f<'a>() {}
                ),
                "a perf test cannot be generic",
            ),
            (
                parse_quote!(
                    fn f()
                    where
                        u8: Copy,
                    {
                    }
                ),
                "a perf test cannot be generic",
            ),
            (
                parse_quote!(
                    fn f(&self) {}
                ),
                "a perf test cannot take `self`",
            ),
            (
                parse_quote!(
                    fn f() -> u64 {
                        1
                    }
                ),
                "a perf test must return `()`",
            ),
            (
                parse_quote!(
                    fn f(b: &mut Bencher, n: usize, m: usize) {}
                ),
                "a perf test takes at most two parameters",
            ),
            (
                parse_quote!(
                    fn f(b: &Bencher) {}
                ),
                "the first parameter of a perf test must be `&mut perfkit::Bencher`",
            ),
            (
                parse_quote!(
                    fn f(n: usize) {}
                ),
                "the first parameter of a perf test must be `&mut perfkit::Bencher`",
            ),
            (
                parse_quote!(
                    fn f(b: &mut Bencher, n: u32) {}
                ),
                "the second parameter of a perf test must be `n: usize`",
            ),
            (
                parse_quote!(
                    #[test]
                    fn f() {}
                ),
                "remove `#[test]`: #[perf_test] already makes this a test",
            ),
        ];
        for (function, expected) in cases {
            let message = routine_error(function);
            assert!(message.starts_with(expected), "{message}");
        }
    }
}
