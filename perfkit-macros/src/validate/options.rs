//! The options' values: each `RawOption` becomes its field of the [`Spec`], converted, or an
//! error on the value's span.

use perfkit_grammar::{self as grammar, ValueError};
use syn::{Expr, Lit, LitInt, LitStr, UnOp};

use crate::model::{COMPLEXITY_HELP, Complexity, Spec, Stat, Throughput, TimeBudget};
use crate::parse::{Args, Key, RawOption};

/// The fewest sizes a growth class can be fitted to (`perfkit::complexity::fit` refuses fewer
/// than three distinct sizes): two points fit every class equally well.
const MIN_COMPLEXITY_SIZES: usize = 3;

/// The options' values, converted; checks that need only the options (`complexity` needs
/// `sizes`) happen here too.
pub(super) fn spec(args: &Args) -> syn::Result<Spec> {
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
            Key::MaxInstructions => spec.max_instructions = Some(max_instructions(option)?),
            Key::Throughput => spec.throughput = Some(throughput(option)?),
            Key::Samples => spec.samples = Some(samples(option)?),
            Key::Warmup => spec.warmup_ns = Some(duration(option, "`warmup`", true)?),
            Key::Time => spec.time_ns = Some(duration(option, "`time`", false)?),
            Key::Regression => spec.regression = Some(regression(option)?),
            Key::Alpha => spec.alpha = Some(alpha(option)?),
            Key::Complexity => spec.complexity = Some(complexity(option)?),
            Key::Sizes => spec.sizes = sizes(option)?,
            Key::Name => spec.name = Some(name(option)?),
            Key::Concurrency
            | Key::Rate
            | Key::Requests
            | Key::Duration
            | Key::Timeout
            | Key::MaxErrorRate
            | Key::MinThroughput => {
                super::load::option(spec.load.get_or_insert_with(Default::default), option)?;
            }
            Key::Threads => spec.threads = super::variants::threads(option)?,
            // Read with the function, whose form they must fit: `super::variants`.
            Key::Types | Key::Args => {}
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
    if spec.complexity.is_some() && spec.sizes.len() < MIN_COMPLEXITY_SIZES {
        let option = args.options.iter().find(|option| option.key == Key::Sizes);
        let count = spec.sizes.len();
        let message = format!(
            "`complexity` needs at least {MIN_COMPLEXITY_SIZES} sizes to fit a growth class, and \
             `sizes` gives {count}: add more, like `sizes = [1_000, 2_000, 4_000]` or \
             `sizes = \"1000..=64000 x2\"`"
        );
        return Err(match option {
            Some(option) => syn::Error::new_spanned(&option.value, message),
            None => syn::Error::new(proc_macro2::Span::call_site(), message),
        });
    }
    Ok(spec)
}

/// Strips the invisible groups that `macro_rules!` wraps around interpolated fragments.
pub(super) fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup(&group.expr),
        Expr::Paren(paren) => ungroup(&paren.expr),
        _ => expr,
    }
}

/// A `-<literal>`: the sign is kept apart from the literal by the parser.
pub(super) fn negated(expr: &Expr) -> Option<&Lit> {
    match ungroup(expr) {
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => match ungroup(&unary.expr) {
            Expr::Lit(lit) => Some(&lit.lit),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn literal(expr: &Expr) -> Option<&Lit> {
    match ungroup(expr) {
        Expr::Lit(lit) => Some(&lit.lit),
        _ => None,
    }
}

pub(super) fn takes(option: &RawOption, what: &str) -> syn::Error {
    let name = option.key.name();
    syn::Error::new_spanned(
        &option.value,
        format!(
            "`{name}` takes {what}, like `{name} = {}`",
            option.key.example()
        ),
    )
}

pub(super) fn string(option: &RawOption) -> syn::Result<&LitStr> {
    match literal(&option.value) {
        Some(Lit::Str(lit)) => Ok(lit),
        _ => Err(takes(option, "a string")),
    }
}

/// An integer literal, unsuffixed or with an integer type's suffix.
pub(super) fn integer(option: &RawOption) -> syn::Result<&LitInt> {
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
    const SUFFIXES: [&str; 13] = [
        "", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    SUFFIXES.contains(&suffix)
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
pub(super) fn duration(option: &RawOption, what: &str, zero_allowed: bool) -> syn::Result<u64> {
    let lit = string(option)?;
    let text = lit.value();
    let fail = |message: String| Err(syn::Error::new(lit.span(), message));
    match grammar::duration_ns(&text) {
        Err(ValueError::Negative { .. }) if zero_allowed => {
            fail(format!("{what} cannot be negative"))
        }
        Err(ValueError::Negative { .. }) => fail(format!(
            "{what} must be greater than zero; `{text:?}` is negative"
        )),
        Err(error) => fail(error.to_string()),
        Ok(rounded) if rounded.value == 0 && !zero_allowed => {
            if grammar::is_exact_zero(&text) {
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

/// `"64KiB"` or a plain integer literal counting bytes; zero is allowed.
fn max_bytes(option: &RawOption) -> syn::Result<u64> {
    let negative = || syn::Error::new_spanned(&option.value, "`max_bytes` cannot be negative");
    match (literal(&option.value), negated(&option.value)) {
        (Some(Lit::Int(lit)), _) if integer_suffix(lit.suffix()) => lit.base10_parse(),
        (Some(Lit::Str(lit)), _) => match grammar::bytes(&lit.value()) {
            Ok(bytes) => Ok(bytes),
            Err(ValueError::Negative { .. }) => Err(negative()),
            Err(error) => Err(syn::Error::new(lit.span(), error.to_string())),
        },
        (_, Some(Lit::Int(_))) => Err(negative()),
        _ => Err(takes(option, "a size")),
    }
}

/// `"1.2M"` or a plain integer literal: instructions per iteration, checked when counting.
fn max_instructions(option: &RawOption) -> syn::Result<u64> {
    let negative =
        || syn::Error::new_spanned(&option.value, "`max_instructions` cannot be negative");
    let count = match (literal(&option.value), negated(&option.value)) {
        (Some(Lit::Int(lit)), _) if integer_suffix(lit.suffix()) => lit.base10_parse()?,
        (Some(Lit::Str(lit)), _) => match grammar::count(&lit.value()) {
            Ok(count) => count,
            Err(ValueError::Negative { .. }) => return Err(negative()),
            Err(error) => return Err(syn::Error::new(lit.span(), error.to_string())),
        },
        (_, Some(Lit::Int(_))) => return Err(negative()),
        _ => return Err(takes(option, "a count")),
    };
    if count == 0 {
        return Err(syn::Error::new_spanned(
            &option.value,
            "`max_instructions` must be greater than zero: every routine executes instructions",
        ));
    }
    Ok(count)
}

fn throughput(option: &RawOption) -> syn::Result<Throughput> {
    let lit = string(option)?;
    grammar::throughput(&lit.value())
        .map_err(|error| syn::Error::new(lit.span(), error.to_string()))
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

/// The text of a number or string literal, for the grammar: `5`, `2.5` and `"5%"` alike, so the
/// attribute reads a threshold or a level exactly as the environment and `perfkit.toml` do.
/// `Err` when the value is a negated number (the grammar's range check then speaks), `None`
/// when it is no literal of those kinds.
fn number_text(option: &RawOption) -> Option<Result<(String, proc_macro2::Span), ()>> {
    if let Some(Lit::Int(_) | Lit::Float(_)) = negated(&option.value) {
        return Some(Err(()));
    }
    match literal(&option.value)? {
        Lit::Str(lit) => Some(Ok((lit.value(), lit.span()))),
        Lit::Int(lit) if lit.suffix().is_empty() => {
            Some(Ok((lit.base10_digits().to_owned(), lit.span())))
        }
        Lit::Float(lit) if matches!(lit.suffix(), "" | "f64") => {
            Some(Ok((lit.base10_digits().to_owned(), lit.span())))
        }
        _ => None,
    }
}

fn regression(option: &RawOption) -> syn::Result<f64> {
    let not_positive =
        || syn::Error::new_spanned(&option.value, "`regression` must be greater than zero");
    let (text, span) = match number_text(option) {
        Some(Ok(found)) => found,
        Some(Err(())) => return Err(not_positive()),
        None => return Err(takes(option, "a percentage")),
    };
    match grammar::threshold(&text) {
        Ok(fraction) => Ok(fraction),
        Err(ValueError::ThresholdNotPositive) => Err(not_positive()),
        Err(error) => Err(syn::Error::new(span, error.to_string())),
    }
}

fn alpha(option: &RawOption) -> syn::Result<f64> {
    let out_of_range = || {
        syn::Error::new_spanned(
            &option.value,
            "`alpha` must be greater than 0 and at most 0.5",
        )
    };
    let (text, span) = match number_text(option) {
        Some(Ok(found)) => found,
        Some(Err(())) => return Err(out_of_range()),
        None => return Err(takes(option, "a number")),
    };
    match grammar::alpha(&text) {
        Ok(alpha) => Ok(alpha),
        Err(ValueError::AlphaOutOfRange) => Err(out_of_range()),
        Err(error) => Err(syn::Error::new(span, error.to_string())),
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
        return grammar::size_range(&lit.value())
            .map_err(|error| syn::Error::new(lit.span(), error.to_string()));
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

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;

    fn spec_of(tokens: TokenStream) -> Spec {
        spec(&syn::parse2(tokens).expect("the attribute parses")).expect("the options are valid")
    }

    fn spec_error(tokens: TokenStream) -> String {
        spec(&syn::parse2(tokens).expect("the attribute parses"))
            .expect_err("the options are invalid")
            .to_string()
    }

    fn budget(stat: Stat, limit_ns: u64) -> TimeBudget {
        TimeBudget { stat, limit_ns }
    }

    #[test]
    fn budgets_in_declaration_order() {
        let spec = spec_of(quote!(
            p99 = "5ms",
            budget = "100ms",
            mean = "1.5us",
            p50 = "7ns",
            p90 = "2 s",
            p95 = "0.25ms",
            max = "1µs"
        ));
        assert_eq!(
            spec.budgets,
            [
                budget(Stat::P99, 5_000_000),
                budget(Stat::Median, 100_000_000),
                budget(Stat::Mean, 1_500),
                budget(Stat::P50, 7),
                budget(Stat::P90, 2_000_000_000),
                budget(Stat::P95, 250_000),
                budget(Stat::Max, 1_000),
            ]
        );
    }

    #[test]
    fn bad_budgets() {
        assert_eq!(
            spec_error(quote!(budget = "0ms")),
            "budget must be greater than zero"
        );
        assert_eq!(
            spec_error(quote!(p99 = "0s")),
            "`p99` budget must be greater than zero"
        );
        assert_eq!(
            spec_error(quote!(budget = "-5ms")),
            "budget must be greater than zero; `\"-5ms\"` is negative"
        );
        assert_eq!(
            spec_error(quote!(budget = "0.4ns")),
            "budget must be greater than zero; `\"0.4ns\"` rounds to 0 ns"
        );
        assert_eq!(
            spec_error(quote!(budget = "10mss")),
            "unknown unit `mss` in `\"10mss\"`; expected ns, us, µs, ms or s"
        );
        assert_eq!(
            spec_error(quote!(budget = 100ms)),
            "`budget` takes a string, like `budget = \"100ms\"`"
        );
        assert_eq!(
            spec_error(quote!(max = 5)),
            "`max` takes a string, like `max = \"100ms\"`"
        );
    }

    #[test]
    fn warmup_may_be_zero_but_time_may_not() {
        assert_eq!(spec_of(quote!(warmup = "0s")).warmup_ns, Some(0));
        assert_eq!(spec_of(quote!(warmup = "0.2ns")).warmup_ns, Some(0));
        assert_eq!(
            spec_of(quote!(warmup = "1.5s")).warmup_ns,
            Some(1_500_000_000)
        );
        assert_eq!(spec_of(quote!(time = "10s")).time_ns, Some(10_000_000_000));
        assert_eq!(
            spec_error(quote!(warmup = "-1s")),
            "`warmup` cannot be negative"
        );
        assert_eq!(
            spec_error(quote!(time = "0s")),
            "`time` must be greater than zero"
        );
    }

    #[test]
    fn allocation_budgets() {
        assert_eq!(spec_of(quote!(max_allocs = 0)).max_allocs, Some(0));
        assert_eq!(
            spec_of(quote!(max_allocs = 1_000u64)).max_allocs,
            Some(1_000)
        );
        assert_eq!(
            spec_of(quote!(max_instructions = "1.2M")).max_instructions,
            Some(1_200_000)
        );
        assert_eq!(
            spec_of(quote!(max_instructions = 5_000)).max_instructions,
            Some(5_000)
        );
        assert_eq!(
            spec_error(quote!(max_instructions = "1.2X")),
            "unknown unit `X` in `\"1.2X\"`; expected none, K, M or G"
        );
        assert_eq!(
            spec_error(quote!(max_instructions = "-1M")),
            "`max_instructions` cannot be negative"
        );
        assert!(spec_error(quote!(max_instructions = "0")).contains("greater than zero"));
        assert_eq!(spec_of(quote!(max_bytes = "64KiB")).max_bytes, Some(65_536));
        assert_eq!(
            spec_of(quote!(max_bytes = "1.5 MB")).max_bytes,
            Some(1_500_000)
        );
        assert_eq!(spec_of(quote!(max_bytes = 4096)).max_bytes, Some(4_096));
        assert_eq!(spec_of(quote!(max_bytes = "0B")).max_bytes, Some(0));
        assert_eq!(
            spec_error(quote!(max_allocs = -1)),
            "`max_allocs` cannot be negative"
        );
        assert_eq!(
            spec_error(quote!(max_bytes = -1)),
            "`max_bytes` cannot be negative"
        );
        assert_eq!(
            spec_error(quote!(max_bytes = "-1KiB")),
            "`max_bytes` cannot be negative"
        );
        assert_eq!(
            spec_error(quote!(max_allocs = "0")),
            "`max_allocs` takes an integer, like `max_allocs = 0`"
        );
        assert_eq!(
            spec_error(quote!(max_allocs = 1.5)),
            "`max_allocs` takes an integer, like `max_allocs = 0`"
        );
        assert_eq!(
            spec_error(quote!(max_bytes = 64kib)),
            "`max_bytes` takes a size, like `max_bytes = \"64KiB\"`"
        );
        assert_eq!(
            spec_error(quote!(max_bytes = "0.5B")),
            "`\"0.5B\"` is not a whole number of bytes"
        );
    }

    #[test]
    fn throughput_forms() {
        let of = |tokens| spec_of(tokens).throughput;
        assert_eq!(
            of(quote!(throughput = "bytes:4096")),
            Some(Throughput::Bytes(4_096))
        );
        assert_eq!(
            of(quote!(throughput = "bytes:4KiB")),
            Some(Throughput::Bytes(4_096))
        );
        assert_eq!(
            of(quote!(throughput = "bytes: 1.5 KB")),
            Some(Throughput::Bytes(1_500))
        );
        assert_eq!(
            of(quote!(throughput = "elements:1_000")),
            Some(Throughput::Elements(1_000))
        );
        assert_eq!(
            of(quote!(throughput = " elements : 7 ")),
            Some(Throughput::Elements(7))
        );
    }

    #[test]
    fn bad_throughput() {
        assert_eq!(
            spec_error(quote!(throughput = "4096")),
            "malformed throughput `\"4096\"`: write it like \"bytes:4096\" or \"elements:1000\""
        );
        assert_eq!(
            spec_error(quote!(throughput = "items:5")),
            "unknown throughput kind `items` in `\"items:5\"`; expected `bytes` or `elements`"
        );
        assert_eq!(
            spec_error(quote!(throughput = "elements:1.5")),
            "malformed throughput `\"elements:1.5\"`: the number of elements must be a whole \
             number, like \"elements:1000\""
        );
        for zero in [
            "bytes:0",
            "bytes:0KiB",
            "elements:0",
            "bytes:-1",
            "elements:-1",
        ] {
            assert_eq!(
                spec_error(quote!(throughput = #zero)),
                "throughput must be greater than zero",
                "{zero}"
            );
        }
        assert!(spec_error(quote!(throughput = "bytes:4Kb")).starts_with("unknown unit `Kb`"));
    }

    #[test]
    fn samples() {
        assert_eq!(spec_of(quote!(samples = 2)).samples, Some(2));
        assert_eq!(spec_of(quote!(samples = 10_000)).samples, Some(10_000));
        assert_eq!(
            spec_error(quote!(samples = 1)),
            "`samples` must be at least 2"
        );
        assert_eq!(
            spec_error(quote!(samples = 0)),
            "`samples` must be at least 2"
        );
        assert_eq!(
            spec_error(quote!(samples = 5_000_000_000)),
            "`samples` must be at most 4294967295"
        );
        assert_eq!(
            spec_error(quote!(samples = -3)),
            "`samples` cannot be negative"
        );
    }

    #[test]
    fn regression_thresholds() {
        assert_eq!(spec_of(quote!(regression = "5%")).regression, Some(0.05));
        assert_eq!(spec_of(quote!(regression = "2.5%")).regression, Some(0.025));
        assert_eq!(spec_of(quote!(regression = "150 %")).regression, Some(1.5));
        assert_eq!(
            spec_error(quote!(regression = "0%")),
            "`regression` must be greater than zero"
        );
        assert_eq!(
            spec_error(quote!(regression = "-5%")),
            "`regression` must be greater than zero"
        );
        assert_eq!(
            spec_error(quote!(regression = -5)),
            "`regression` must be greater than zero"
        );
        assert_eq!(
            spec_error(quote!(regression = "five%")),
            "malformed threshold `five%`: write a percentage like 5% (a bare 5 means 5% too)"
        );
        assert_eq!(
            spec_error(quote!(regression = five)),
            "`regression` takes a percentage, like `regression = \"5%\"`"
        );
    }

    /// Issue 11: the attribute required `%` while `PERFKIT_THRESHOLD=5` meant 5%; a bare
    /// number now means a percentage in every source, and a bare fraction is refused in each.
    #[test]
    fn a_bare_number_is_a_percentage_as_in_the_environment() {
        for bare in [
            quote!(regression = 5),
            quote!(regression = "5"),
            quote!(regression = 5.0),
        ] {
            assert_eq!(spec_of(bare).regression, Some(0.05));
        }
        assert_eq!(
            spec_error(quote!(regression = 0.05)),
            "threshold `0.05` is ambiguous: a number without `%` is a percentage, so write 5% \
             if you mean 5 percent (a fraction of 0.05), or 0.05% if you mean 0.05 percent"
        );
    }

    #[test]
    fn alpha_levels() {
        assert_eq!(spec_of(quote!(alpha = 0.01)).alpha, Some(0.01));
        assert_eq!(spec_of(quote!(alpha = 0.5)).alpha, Some(0.5));
        assert_eq!(spec_of(quote!(alpha = 0.05f64)).alpha, Some(0.05));
        assert_eq!(spec_of(quote!(alpha = "0.01")).alpha, Some(0.01));
        let out_of_range = "`alpha` must be greater than 0 and at most 0.5";
        assert_eq!(spec_error(quote!(alpha = 0.0)), out_of_range);
        assert_eq!(spec_error(quote!(alpha = 0.7)), out_of_range);
        assert_eq!(spec_error(quote!(alpha = -0.01)), out_of_range);
        assert_eq!(spec_error(quote!(alpha = 1)), out_of_range);
        assert_eq!(
            spec_error(quote!(alpha = "1%")),
            "malformed significance level `1%`: write a number like 0.01"
        );
        assert_eq!(
            spec_error(quote!(alpha = 0.01f32)),
            "`alpha` takes a number, like `alpha = 0.01`"
        );
    }

    #[test]
    fn complexity_with_sizes() {
        let spec = spec_of(quote!(
            complexity = "O(n log n)",
            sizes = [1_000, 2_000, 4_000]
        ));
        assert_eq!(spec.complexity, Some(Complexity::Linearithmic));
        assert_eq!(spec.sizes, [1_000, 2_000, 4_000]);
        let spec = spec_of(quote!(sizes = "10..=80 x2", complexity = "O(n²)"));
        assert_eq!(spec.complexity, Some(Complexity::Quadratic));
        assert_eq!(spec.sizes, [10, 20, 40, 80]);
    }

    #[test]
    fn bad_complexity() {
        assert_eq!(
            spec_error(quote!(complexity = "O(n!)", sizes = [1, 2])),
            "unknown complexity class `\"O(n!)\"`; expected \"O(1)\", \"O(log n)\", \"O(n)\", \
             \"O(n log n)\", \"O(n^2)\", \"O(n^3)\" or \"O(2^n)\""
        );
        assert_eq!(
            spec_error(quote!(complexity = "O(n)")),
            "`complexity` needs `sizes`: the input sizes to measure the growth over, like \
             `sizes = [1_000, 2_000, 4_000]`"
        );
    }

    /// Issue 11: two sizes with `complexity` compiled and failed at run time.
    #[test]
    fn complexity_needs_three_sizes() {
        let message = "`complexity` needs at least 3 sizes to fit a growth class, and `sizes` \
                       gives 2: add more, like `sizes = [1_000, 2_000, 4_000]` or \
                       `sizes = \"1000..=64000 x2\"`";
        assert_eq!(
            spec_error(quote!(complexity = "O(n)", sizes = [1_000, 2_000])),
            message
        );
        assert_eq!(
            spec_error(quote!(sizes = "10..=20 x2", complexity = "O(n)")),
            message
        );
        assert_eq!(
            spec_of(quote!(complexity = "O(n)", sizes = [1, 2, 3])).sizes,
            [1, 2, 3]
        );
    }

    #[test]
    fn sizes_lists_and_ranges() {
        assert_eq!(spec_of(quote!(sizes = [3])).sizes, [3]);
        assert_eq!(spec_of(quote!(sizes = [8, 1, 4usize])).sizes, [8, 1, 4]);
        assert_eq!(
            spec_of(quote!(sizes = "1000..=64000 x2")).sizes,
            [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000]
        );
        assert_eq!(
            spec_of(quote!(sizes = "100..=400 x1.5")).sizes,
            [100, 150, 225, 338]
        );
    }

    #[test]
    fn bad_sizes() {
        assert_eq!(spec_error(quote!(sizes = [])), "`sizes` must not be empty");
        assert_eq!(spec_error(quote!(sizes = [1, 2, 1])), "size 1 given twice");
        assert_eq!(
            spec_error(quote!(sizes = [0, 1])),
            "each size must be greater than zero"
        );
        assert_eq!(
            spec_error(quote!(sizes = [-1, 1])),
            "each size must be greater than zero"
        );
        assert_eq!(
            spec_error(quote!(sizes = [N, 1])),
            "each size must be an integer literal, like `1_000`"
        );
        assert_eq!(
            spec_error(quote!(sizes = 1000)),
            "`sizes` takes a list like `sizes = [1_000, 2_000, 4_000]` or a range like \
             `sizes = \"1000..=64000 x2\"`"
        );
        assert_eq!(
            spec_error(quote!(sizes = "1000..=64000")),
            "malformed size range `\"1000..=64000\"`: write it like \"1000..=64000 x2\""
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            spec_of(quote!(name = "parse/small")).name.as_deref(),
            Some("parse/small")
        );
        assert_eq!(spec_error(quote!(name = " ")), "`name` must not be empty");
        assert_eq!(
            spec_error(quote!(name = parse)),
            "`name` takes a string, like `name = \"parse_request\"`"
        );
    }

    #[test]
    fn no_options_is_the_default_spec() {
        assert_eq!(spec_of(quote!()), Spec::default());
    }
}
