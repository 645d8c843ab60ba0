//! Stage two: the raw options and the function become a [`PerfTest`], or a `syn::Error` on the
//! offending token.
//!
//! Every value is converted here, once: durations to nanoseconds, sizes to bytes, percentages to
//! fractions, class names to [`Complexity`]. The function's signature decides the [`Routine`],
//! and the two are checked against each other (`sizes` needs an `n`, an `n` needs `sizes`).

use quote::ToTokens;
use syn::{Attribute, Expr, FnArg, ItemFn, Lit, LitFloat, LitInt, LitStr, ReturnType, Type, UnOp};

use crate::model::{
    COMPLEXITY_HELP, Complexity, PerfTest, Routine, Spec, Stat, Throughput, TimeBudget,
};
use crate::parse::{Args, Key, RawOption};
use crate::units::{self, UnitError};

/// Validates the options and the function, reporting one error for each when both are wrong.
pub(crate) fn perf_test(args: &Args, function: ItemFn) -> syn::Result<PerfTest> {
    let (spec, routine) = match (spec(args), routine(&function)) {
        (Ok(spec), Ok(routine)) => (spec, routine),
        (Err(mut first), Err(second)) => {
            first.combine(second);
            return Err(first);
        }
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => return Err(error),
    };
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
        (Routine::Plain | Routine::Bencher, Some(option)) => {
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
    })
}

/// The options' values, converted; checks that need only the options (`complexity` needs
/// `sizes`) happen here too.
pub(crate) fn spec(args: &Args) -> syn::Result<Spec> {
    let mut spec = Spec::default();
    for option in &args.options {
        match option.key {
            Key::Budget => spec.budgets.push(budget(option, Stat::Median)?),
            Key::Mean => spec.budgets.push(budget(option, Stat::Mean)?),
            Key::P50 => spec.budgets.push(budget(option, Stat::P50)?),
            Key::P90 => spec.budgets.push(budget(option, Stat::P90)?),
            Key::P95 => spec.budgets.push(budget(option, Stat::P95)?),
            Key::P99 => spec.budgets.push(budget(option, Stat::P99)?),
            Key::Max => spec.budgets.push(budget(option, Stat::Max)?),
            Key::MaxAllocs => spec.max_allocs = Some(integer(option)?.base10_parse()?),
            Key::MaxBytes => spec.max_bytes = Some(max_bytes(option)?),
            Key::Throughput => spec.throughput = Some(throughput(option)?),
            Key::Samples => spec.samples = Some(samples(option)?),
            Key::Warmup => spec.warmup_ns = Some(duration(option, "`warmup`", true)?),
            Key::Time => spec.time_ns = Some(duration(option, "`time`", false)?),
            Key::Regression => spec.regression = Some(regression(option)?),
            Key::Alpha => spec.alpha = Some(alpha(option)?),
            Key::Complexity => spec.complexity = Some(complexity(option)?),
            Key::Sizes => spec.sizes = sizes(option)?,
            Key::Name => spec.name = Some(name(option)?),
        }
    }
    if spec.complexity.is_some() && spec.sizes.is_empty() {
        let option = args
            .options
            .iter()
            .find(|option| option.key == Key::Complexity);
        let span = option.map_or_else(proc_macro2::Span::call_site, |option| option.ident.span());
        return Err(syn::Error::new(
            span,
            "`complexity` needs `sizes`: the input sizes to measure the growth over, like \
             `sizes = [1_000, 2_000, 4_000]`",
        ));
    }
    Ok(spec)
}

/// Strips the invisible groups that `macro_rules!` wraps around interpolated fragments.
fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup(&group.expr),
        Expr::Paren(paren) => ungroup(&paren.expr),
        _ => expr,
    }
}

/// A `-<literal>`: the sign is kept apart from the literal by the parser.
fn negated(expr: &Expr) -> Option<&Lit> {
    match ungroup(expr) {
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => match ungroup(&unary.expr) {
            Expr::Lit(lit) => Some(&lit.lit),
            _ => None,
        },
        _ => None,
    }
}

fn literal(expr: &Expr) -> Option<&Lit> {
    match ungroup(expr) {
        Expr::Lit(lit) => Some(&lit.lit),
        _ => None,
    }
}

fn takes(option: &RawOption, what: &str) -> syn::Error {
    let name = option.key.name();
    syn::Error::new_spanned(
        &option.value,
        format!(
            "`{name}` takes {what}, like `{name} = {}`",
            option.key.example()
        ),
    )
}

fn string(option: &RawOption) -> syn::Result<&LitStr> {
    match literal(&option.value) {
        Some(Lit::Str(lit)) => Ok(lit),
        _ => Err(takes(option, "a string")),
    }
}

/// An integer literal, unsuffixed or with an integer type's suffix.
fn integer(option: &RawOption) -> syn::Result<&LitInt> {
    if let Some(Lit::Int(_)) = negated(&option.value) {
        return Err(syn::Error::new_spanned(
            &option.value,
            format!("`{}` cannot be negative", option.key.name()),
        ));
    }
    match literal(&option.value) {
        Some(Lit::Int(lit)) if integer_suffix(lit.suffix()) => Ok(lit),
        _ => Err(takes(option, "an integer")),
    }
}

fn integer_suffix(suffix: &str) -> bool {
    matches!(
        suffix,
        "" | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
    )
}

fn budget(option: &RawOption, stat: Stat) -> syn::Result<TimeBudget> {
    let what = match stat {
        Stat::Median => "budget".to_owned(),
        _ => format!("`{}` budget", option.key.name()),
    };
    let limit_ns = duration(option, &what, false)?;
    Ok(TimeBudget { stat, limit_ns })
}

/// A duration string in nanoseconds. `what` names the value in messages ("budget", "`time`").
fn duration(option: &RawOption, what: &str, zero_allowed: bool) -> syn::Result<u64> {
    let lit = string(option)?;
    let text = lit.value();
    let fail = |message: String| Err(syn::Error::new(lit.span(), message));
    match units::duration_ns(&text) {
        Err(UnitError::Malformed(message)) => fail(message),
        Err(UnitError::Negative) if zero_allowed => fail(format!("{what} cannot be negative")),
        Err(UnitError::Negative) => fail(format!(
            "{what} must be greater than zero; `{text:?}` is negative"
        )),
        Ok(rounded) if rounded.value == 0 && !zero_allowed => {
            if units::is_exact_zero(&text) {
                fail(format!("{what} must be greater than zero"))
            } else {
                fail(format!(
                    "{what} must be greater than zero; `{text:?}` rounds to 0 ns"
                ))
            }
        }
        Ok(rounded) => Ok(rounded.value),
    }
}

fn max_bytes(option: &RawOption) -> syn::Result<u64> {
    if let Some(Lit::Int(_)) = literal(&option.value) {
        return integer(option)?.base10_parse();
    }
    if negated(&option.value).is_some() {
        return integer(option)?.base10_parse();
    }
    let lit = match literal(&option.value) {
        Some(Lit::Str(lit)) => lit,
        _ => return Err(takes(option, "a size in bytes")),
    };
    match units::bytes(&lit.value()) {
        Ok(bytes) => Ok(bytes),
        Err(UnitError::Negative) => Err(syn::Error::new(
            lit.span(),
            "`max_bytes` cannot be negative",
        )),
        Err(UnitError::Malformed(message)) => Err(syn::Error::new(lit.span(), message)),
    }
}

fn throughput(option: &RawOption) -> syn::Result<Throughput> {
    let lit = string(option)?;
    let text = lit.value();
    let error = |message: String| syn::Error::new(lit.span(), message);
    let Some((kind, amount)) = text.split_once(':') else {
        return Err(error(format!(
            "malformed throughput `{text:?}`: write it like \"bytes:4096\" or \"elements:1000\""
        )));
    };
    let zero = || error("throughput must be greater than zero".to_owned());
    let throughput = match kind.trim() {
        "bytes" => match units::bytes(amount) {
            Ok(0) | Err(UnitError::Negative) => return Err(zero()),
            Ok(bytes) => Throughput::Bytes(bytes),
            Err(UnitError::Malformed(message)) => return Err(error(message)),
        },
        "elements" => match units::integer(amount) {
            Some(0) => return Err(zero()),
            Some(elements) => Throughput::Elements(elements),
            None if amount.trim().starts_with('-') => return Err(zero()),
            None => {
                return Err(error(format!(
                    "malformed throughput `{text:?}`: the number of elements must be a whole \
                     number, like \"elements:1000\""
                )));
            }
        },
        other => {
            return Err(error(format!(
                "unknown throughput kind `{other}` in `{text:?}`; expected `bytes` or `elements`"
            )));
        }
    };
    Ok(throughput)
}

fn samples(option: &RawOption) -> syn::Result<u32> {
    let lit = integer(option)?;
    let samples: u64 = lit.base10_parse()?;
    if samples < 2 {
        return Err(syn::Error::new(lit.span(), "`samples` must be at least 2"));
    }
    u32::try_from(samples).map_err(|_| {
        syn::Error::new(
            lit.span(),
            format!("`samples` must be at most {}", u32::MAX),
        )
    })
}

fn regression(option: &RawOption) -> syn::Result<f64> {
    let lit = string(option)?;
    match units::percent(&lit.value()) {
        Ok(fraction) if fraction > 0.0 => Ok(fraction),
        Ok(_) | Err(UnitError::Negative) => Err(syn::Error::new(
            lit.span(),
            "`regression` must be greater than zero",
        )),
        Err(UnitError::Malformed(message)) => Err(syn::Error::new(lit.span(), message)),
    }
}

fn alpha(option: &RawOption) -> syn::Result<f64> {
    let out_of_range = || {
        syn::Error::new_spanned(
            &option.value,
            "`alpha` must be greater than 0 and at most 0.5",
        )
    };
    if negated(&option.value).is_some() {
        return Err(out_of_range());
    }
    let lit: &LitFloat = match literal(&option.value) {
        Some(Lit::Float(lit)) if matches!(lit.suffix(), "" | "f64") => lit,
        _ => return Err(takes(option, "a float")),
    };
    let alpha: f64 = lit.base10_parse()?;
    if alpha > 0.0 && alpha <= 0.5 {
        Ok(alpha)
    } else {
        Err(out_of_range())
    }
}

fn complexity(option: &RawOption) -> syn::Result<Complexity> {
    let lit = string(option)?;
    let text = lit.value();
    Complexity::parse(&text).ok_or_else(|| {
        syn::Error::new(
            lit.span(),
            format!("unknown complexity class `{text:?}`; expected {COMPLEXITY_HELP}"),
        )
    })
}

/// `[1_000, 2_000]` or `"1000..=64000 x2"`.
fn sizes(option: &RawOption) -> syn::Result<Vec<u64>> {
    if let Some(Lit::Str(lit)) = literal(&option.value) {
        return units::size_range(&lit.value())
            .map_err(|message| syn::Error::new(lit.span(), message));
    }
    let Expr::Array(array) = ungroup(&option.value) else {
        return Err(syn::Error::new_spanned(
            &option.value,
            "`sizes` takes a list like `sizes = [1_000, 2_000, 4_000]` or a range like \
             `sizes = \"1000..=64000 x2\"`",
        ));
    };
    if array.elems.is_empty() {
        return Err(syn::Error::new_spanned(array, "`sizes` must not be empty"));
    }
    let mut sizes: Vec<u64> = Vec::with_capacity(array.elems.len());
    for element in &array.elems {
        let size: u64 = match (literal(element), negated(element)) {
            (Some(Lit::Int(lit)), _) if matches!(lit.suffix(), "" | "usize") => {
                lit.base10_parse()?
            }
            (_, Some(Lit::Int(_))) => 0,
            _ => {
                return Err(syn::Error::new_spanned(
                    element,
                    "each size must be an integer literal, like `1_000`",
                ));
            }
        };
        if size == 0 {
            return Err(syn::Error::new_spanned(
                element,
                "each size must be greater than zero",
            ));
        }
        if sizes.contains(&size) {
            return Err(syn::Error::new_spanned(
                element,
                format!("size {size} given twice"),
            ));
        }
        sizes.push(size);
    }
    Ok(sizes)
}

fn name(option: &RawOption) -> syn::Result<String> {
    let lit = string(option)?;
    let name = lit.value();
    if name.trim().is_empty() {
        return Err(syn::Error::new(lit.span(), "`name` must not be empty"));
    }
    Ok(name)
}

/// The function's form, or an error on the first thing perfkit cannot drive.
pub(crate) fn routine(function: &ItemFn) -> syn::Result<Routine> {
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
    if let Some(asyncness) = &sig.asyncness {
        return reject(
            asyncness,
            "a perf test cannot be an `async fn`: perfkit times synchronous code; block on the \
             future inside a plain `fn` instead",
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
                   const arguments";
    if sig.generics.lt_token.is_some() {
        return reject(&sig.generics, generic);
    }
    if let Some(where_clause) = &sig.generics.where_clause {
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
    if let Some(first) = typed.first()
        && !is_bencher_ref(&first.ty)
    {
        return reject(
            &first.ty,
            "the first parameter of a perf test must be `&mut perfkit::Bencher`",
        );
    }
    if let Some(second) = typed.get(1)
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
        0 => Routine::Plain,
        1 => Routine::Bencher,
        _ => Routine::Sized,
    })
}

/// Rejects attributes that would turn the expansion into a second test.
fn check_attribute(attr: &Attribute) -> syn::Result<()> {
    let path = attr.path();
    // `rustc_test_marker` is what the built-in `#[test]` leaves behind when it is written above
    // `#[perf_test]` and so expands first.
    if path.is_ident("test") || path.is_ident("rustc_test_marker") {
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
    match ungroup_type(ty) {
        Type::Reference(reference) => {
            reference.mutability.is_some() && is_path_to(&reference.elem, "Bencher")
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
