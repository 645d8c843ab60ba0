//! Stage one: the attribute's tokens become a list of `name = value` options, and the item
//! becomes a function.
//!
//! This stage knows option names, not their values: an unknown or repeated name is an error
//! here (on the name's span), while each value is kept as the expression written, with its span,
//! for `validate` to judge.

use std::fmt;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, ItemFn, Token};

/// An option of `#[perf_test(...)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Budget,
    Mean,
    P50,
    P90,
    P95,
    P99,
    Max,
    MaxAllocs,
    MaxBytes,
    MaxInstructions,
    Throughput,
    Samples,
    Warmup,
    Time,
    Regression,
    Alpha,
    Complexity,
    Sizes,
    Name,
    Types,
    Args,
    Threads,
    Concurrency,
    Rate,
    Requests,
    Duration,
    Timeout,
    MaxErrorRate,
    MinThroughput,
}

impl Key {
    /// Every option, in the order the documentation lists them.
    const ALL: [Key; 29] = [
        Key::Budget,
        Key::Mean,
        Key::P50,
        Key::P90,
        Key::P95,
        Key::P99,
        Key::Max,
        Key::MaxAllocs,
        Key::MaxBytes,
        Key::MaxInstructions,
        Key::Throughput,
        Key::Samples,
        Key::Warmup,
        Key::Time,
        Key::Regression,
        Key::Alpha,
        Key::Complexity,
        Key::Sizes,
        Key::Name,
        Key::Types,
        Key::Args,
        Key::Threads,
        Key::Concurrency,
        Key::Rate,
        Key::Requests,
        Key::Duration,
        Key::Timeout,
        Key::MaxErrorRate,
        Key::MinThroughput,
    ];

    /// The name as written in the attribute.
    pub fn name(self) -> &'static str {
        match self {
            Key::Budget => "budget",
            Key::Mean => "mean",
            Key::P50 => "p50",
            Key::P90 => "p90",
            Key::P95 => "p95",
            Key::P99 => "p99",
            Key::Max => "max",
            Key::MaxAllocs => "max_allocs",
            Key::MaxBytes => "max_bytes",
            Key::MaxInstructions => "max_instructions",
            Key::Throughput => "throughput",
            Key::Samples => "samples",
            Key::Warmup => "warmup",
            Key::Time => "time",
            Key::Regression => "regression",
            Key::Alpha => "alpha",
            Key::Complexity => "complexity",
            Key::Sizes => "sizes",
            Key::Name => "name",
            Key::Types => "types",
            Key::Args => "args",
            Key::Threads => "threads",
            Key::Concurrency => "concurrency",
            Key::Rate => "rate",
            Key::Requests => "requests",
            Key::Duration => "duration",
            Key::Timeout => "timeout",
            Key::MaxErrorRate => "max_error_rate",
            Key::MinThroughput => "min_throughput",
        }
    }

    /// A correct value, for messages.
    pub fn example(self) -> &'static str {
        match self {
            Key::Budget | Key::Mean | Key::P50 | Key::P90 | Key::P95 | Key::P99 | Key::Max => {
                "\"100ms\""
            }
            Key::MaxAllocs => "0",
            Key::MaxBytes => "\"64KiB\"",
            Key::MaxInstructions => "\"1.2M\"",
            Key::Throughput => "\"bytes:4096\"",
            Key::Samples => "100",
            Key::Warmup => "\"1s\"",
            Key::Time => "\"5s\"",
            Key::Regression => "\"5%\"",
            Key::Alpha => "0.01",
            Key::Complexity => "\"O(n)\"",
            Key::Sizes => "[1_000, 2_000, 4_000]",
            Key::Name => "\"parse_request\"",
            Key::Types => "[u8, u64]",
            Key::Args => "[\"short\", \"long\"]",
            Key::Threads => "[1, 2, 4]",
            Key::Concurrency => "64",
            Key::Rate => "\"500/s\"",
            Key::Requests => "10_000",
            Key::Duration => "\"10s\"",
            Key::Timeout => "\"5s\"",
            Key::MaxErrorRate => "\"1%\"",
            Key::MinThroughput => "\"1000/s\"",
        }
    }

    fn from_ident(ident: &Ident) -> syn::Result<Key> {
        let written = ident.to_string();
        if let Some(key) = Key::ALL.into_iter().find(|key| key.name() == written) {
            return Ok(key);
        }
        let options = Key::ALL.map(Key::name).join(", ");
        let message = match suggestion(&written) {
            Some(close) => {
                format!("unknown option `{written}`; did you mean `{close}`? (options: {options})")
            }
            None => format!("unknown option `{written}`; expected one of {options}"),
        };
        Err(syn::Error::new(ident.span(), message))
    }
}

/// The known option closest to `written`, when it is close enough to be a typo: equal but for
/// case, or at most one edit away for short names and two for longer ones.
fn suggestion(written: &str) -> Option<&'static str> {
    let lower = written.to_lowercase();
    let allowed = if lower.chars().count() > 4 { 2 } else { 1 };
    Key::ALL
        .into_iter()
        .map(|key| (edit_distance(&lower, key.name()), key.name()))
        .filter(|&(distance, _)| distance <= allowed)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance: insertions, deletions and substitutions of characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// One `name = value` of the attribute.
#[derive(Clone)]
pub(crate) struct RawOption {
    pub key: Key,
    /// The name as written, for spans.
    pub ident: Ident,
    /// The value as written.
    pub value: Expr,
}

impl fmt::Debug for RawOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawOption")
            .field("key", &self.key)
            .field("value", &self.value.to_token_stream().to_string())
            .finish()
    }
}

/// The attribute's options in declaration order, each name at most once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Args {
    pub options: Vec<RawOption>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut options: Vec<RawOption> = Vec::new();
        while !input.is_empty() {
            let ident: Ident = input.parse()?;
            let key = Key::from_ident(&ident)?;
            if options.iter().any(|option| option.key == key) {
                return Err(syn::Error::new(
                    ident.span(),
                    format!("`{}` given twice", key.name()),
                ));
            }
            if !input.peek(Token![=]) {
                return Err(syn::Error::new(
                    ident.span(),
                    format!(
                        "`{name}` needs a value, like `{name} = {example}`",
                        name = key.name(),
                        example = key.example()
                    ),
                ));
            }
            input.parse::<Token![=]>()?;
            // A list of types (`[u8, Vec<u8>]`) is no expression: its tokens are kept as
            // written, for `validate` to read as types.
            let value: Expr = if key == Key::Types {
                Expr::Verbatim(tokens_to_comma(input)?)
            } else {
                input.parse()?
            };
            options.push(RawOption { key, ident, value });
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(Args { options })
    }
}

/// The tokens up to the next top-level comma (a bracketed list is one token tree).
fn tokens_to_comma(input: ParseStream<'_>) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<proc_macro2::TokenTree>()?]);
    }
    Ok(tokens)
}

/// The annotated item as a function with a body, or an error on its first token.
pub(crate) fn function(item: TokenStream) -> syn::Result<ItemFn> {
    match syn::parse2::<syn::Item>(item.clone())? {
        syn::Item::Fn(function) => Ok(function),
        _ => {
            let span = item
                .into_iter()
                .next()
                .map_or_else(Span::call_site, |token| token.span());
            Err(syn::Error::new(
                span,
                "#[perf_test] applies to functions with a body",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: TokenStream) -> syn::Result<Args> {
        syn::parse2(tokens)
    }

    fn error(tokens: TokenStream) -> String {
        parse(tokens).unwrap_err().to_string()
    }

    #[test]
    fn options_keep_declaration_order() {
        let args = parse(quote!(p99 = "5ms", budget = "1ms", sizes = [1, 2],)).unwrap();
        let keys: Vec<Key> = args.options.iter().map(|option| option.key).collect();
        assert_eq!(keys, [Key::P99, Key::Budget, Key::Sizes]);
    }

    #[test]
    fn every_option_name_is_recognised() {
        for key in Key::ALL {
            let ident = Ident::new(key.name(), Span::call_site());
            let args = parse(quote!(#ident = 1)).unwrap();
            assert_eq!(args.options[0].key, key);
        }
    }

    #[test]
    fn empty_attribute_is_fine() {
        assert!(parse(quote!()).unwrap().options.is_empty());
    }

    #[test]
    fn unknown_options_suggest_the_closest() {
        assert!(
            error(quote!(p999 = "1ms"))
                .starts_with("unknown option `p999`; did you mean `p99`? (options: budget, mean,")
        );
        assert!(error(quote!(budgte = "1ms")).contains("did you mean `budget`?"));
        assert!(error(quote!(P99 = "1ms")).contains("did you mean `p99`?"));
        assert!(error(quote!(max_alloc = 0)).contains("did you mean `max_allocs`?"));
        assert_eq!(
            error(quote!(frobnicate = 1)),
            "unknown option `frobnicate`; expected one of budget, mean, p50, p90, p95, p99, max, \
             max_allocs, max_bytes, max_instructions, throughput, samples, warmup, time, \
             regression, alpha, \
             complexity, sizes, name, types, args, threads, concurrency, rate, requests, \
             duration, timeout, max_error_rate, min_throughput"
        );
    }

    #[test]
    fn repeated_options_are_rejected() {
        assert_eq!(
            error(quote!(budget = "1ms", budget = "2ms")),
            "`budget` given twice"
        );
        assert!(parse(quote!(budget = "1ms", p50 = "2ms")).is_ok());
    }

    #[test]
    fn options_need_values() {
        assert_eq!(
            error(quote!(budget)),
            "`budget` needs a value, like `budget = \"100ms\"`"
        );
        assert!(parse(quote!(budget = "1ms" p99 = "2ms")).is_err());
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("p99", "p99"), 0);
        assert_eq!(edit_distance("p999", "p99"), 1);
        assert_eq!(edit_distance("budgte", "budget"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn only_functions_are_accepted() {
        assert!(
            function(quote!(
                fn f() {}
            ))
            .is_ok()
        );
        assert_eq!(
            function(quote!(
                struct S;
            ))
            .err()
            .unwrap()
            .to_string(),
            "#[perf_test] applies to functions with a body"
        );
    }
}
