//! The load-test options (`concurrency`, `rate`, `requests`, `duration`, `timeout`,
//! `max_error_rate`, `min_throughput`) and their agreement with the function's form: they make
//! a load test, which takes `load: &mut perfkit::Load`, and a load test needs a way to send.

use perfkit_grammar::{self as grammar, ValueError};
use syn::ItemFn;

use super::options::{duration, integer, string, takes};
use crate::model::{LoadSpec, Routine};
use crate::parse::{Args, Key, RawOption};

/// Sets `load`'s field for one load option, converted, or an error on the value.
pub(super) fn option(load: &mut LoadSpec, option: &RawOption) -> syn::Result<()> {
    match option.key {
        Key::Concurrency => {
            let lit = integer(option)?;
            let workers: u64 = lit.base10_parse()?;
            if workers == 0 {
                return Err(syn::Error::new(
                    lit.span(),
                    "`concurrency` must be at least 1: it is the number of workers sending \
                     requests",
                ));
            }
            load.concurrency = Some(u32::try_from(workers).map_err(|_| {
                syn::Error::new(
                    lit.span(),
                    format!("`concurrency` must be at most {}", u32::MAX),
                )
            })?);
        }
        Key::Rate => load.rate_per_s = Some(rate(option, "`rate`")?),
        Key::MinThroughput => load.min_throughput = Some(rate(option, "`min_throughput`")?),
        Key::Requests => {
            let lit = integer(option)?;
            let requests: u64 = lit.base10_parse()?;
            if requests == 0 {
                return Err(syn::Error::new(lit.span(), "`requests` must be at least 1"));
            }
            load.requests = Some(requests);
        }
        Key::Duration => load.duration_ns = Some(duration(option, "`duration`", false)?),
        Key::Timeout => load.timeout_ns = Some(duration(option, "`timeout`", false)?),
        Key::MaxErrorRate => {
            let lit = string(option).map_err(|_| takes(option, "a percentage"))?;
            load.max_error_rate = Some(
                grammar::percentage(&lit.value())
                    .map_err(|e| syn::Error::new(lit.span(), e.to_string()))?,
            );
        }
        _ => unreachable!("only load options are passed here"),
    }
    Ok(())
}

/// `"500/s"`: requests per second.
fn rate(option: &RawOption, what: &str) -> syn::Result<f64> {
    let lit = string(option).map_err(|_| takes(option, "a rate"))?;
    grammar::rate(&lit.value()).map_err(|e| {
        let message = match e {
            ValueError::ZeroRate => format!("{what} must be greater than zero"),
            other => other.to_string(),
        };
        syn::Error::new(lit.span(), message)
    })
}

/// Options that mean nothing to a load test, which times requests, not iterations.
const NOT_FOR_LOAD: [Key; 11] = [
    Key::MaxAllocs,
    Key::MaxBytes,
    Key::MaxInstructions,
    Key::Throughput,
    Key::Samples,
    Key::Time,
    Key::Complexity,
    Key::Sizes,
    Key::Types,
    Key::Args,
    Key::Threads,
];

/// Load options go with the load form, and the load form with a way to send requests.
pub(super) fn check(args: &Args, routine: Routine, function: &ItemFn) -> syn::Result<()> {
    let is_load_option = |key: Key| {
        matches!(
            key,
            Key::Concurrency
                | Key::Rate
                | Key::Requests
                | Key::Duration
                | Key::Timeout
                | Key::MaxErrorRate
                | Key::MinThroughput
        )
    };
    if routine != Routine::Load {
        if let Some(option) = args.options.iter().find(|o| is_load_option(o.key)) {
            return Err(syn::Error::new(
                option.ident.span(),
                format!(
                    "`{}` is a load-test option: a load test takes the load driver, as in \
                     `fn {}(load: &mut perfkit::Load)`, and calls `load.run(|| request())`",
                    option.key.name(),
                    function.sig.ident
                ),
            ));
        }
        return Ok(());
    }
    if let Some(option) = args.options.iter().find(|o| NOT_FOR_LOAD.contains(&o.key)) {
        return Err(syn::Error::new(
            option.ident.span(),
            format!(
                "`{}` does not apply to a load test, which measures requests rather than \
                 iterations; load tests take `concurrency`, `rate`, `requests`, `duration`, \
                 `warmup`, `timeout`, latency budgets (`p50` ... `max`), `max_error_rate` and \
                 `min_throughput`",
                option.key.name()
            ),
        ));
    }
    let sends = args
        .options
        .iter()
        .any(|o| matches!(o.key, Key::Concurrency | Key::Rate));
    if !sends {
        return Err(syn::Error::new_spanned(
            &function.sig.inputs[0],
            "a load test needs `concurrency = N` (N workers, each sending its next request when \
             the last returns) or `rate = \"500/s\"` (requests sent on a fixed schedule) in \
             #[perf_test(...)]",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;
    use syn::parse_quote;

    use crate::model::LoadSpec;
    use crate::validate::perf_test;

    fn load(attr: TokenStream) -> syn::Result<Option<LoadSpec>> {
        let args = syn::parse2(attr).expect("the attribute parses");
        perf_test(
            &args,
            parse_quote!(
                fn f(load: &mut perfkit::Load) {}
            ),
        )
        .map(|t| t.spec.load)
    }

    fn error(attr: TokenStream) -> String {
        load(attr).expect_err("rejected").to_string()
    }

    #[test]
    fn every_load_option_is_converted() {
        let spec = load(quote!(
            concurrency = 64,
            rate = "500/s",
            requests = 10_000,
            duration = "10s",
            timeout = "2s",
            max_error_rate = "1%",
            min_throughput = "1000/s"
        ))
        .unwrap()
        .unwrap();
        assert_eq!(
            spec,
            LoadSpec {
                concurrency: Some(64),
                rate_per_s: Some(500.0),
                requests: Some(10_000),
                duration_ns: Some(10_000_000_000),
                timeout_ns: Some(2_000_000_000),
                max_error_rate: Some(0.01),
                min_throughput: Some(1000.0),
            }
        );
    }

    #[test]
    fn bad_load_values() {
        assert_eq!(
            error(quote!(concurrency = 0)),
            "`concurrency` must be at least 1: it is the number of workers sending requests"
        );
        assert_eq!(
            error(quote!(rate = "500")),
            "malformed rate `\"500\"`: write a number of requests per unit of time, like \
             \"500/s\" (units: /s, /min, /h)"
        );
        assert_eq!(
            error(quote!(rate = 500)),
            "`rate` takes a rate, like `rate = \"500/s\"`"
        );
        assert_eq!(
            error(quote!(concurrency = 1, requests = 0)),
            "`requests` must be at least 1"
        );
        assert_eq!(
            error(quote!(concurrency = 1, max_error_rate = "1")),
            "malformed percentage `\"1\"`: write it with its sign, like \"1%\" or \"0.5%\""
        );
        assert_eq!(
            error(quote!(concurrency = 1, duration = "0s")),
            "`duration` must be greater than zero"
        );
    }

    #[test]
    fn the_load_form_needs_a_way_to_send() {
        assert!(error(quote!(requests = 10)).starts_with("a load test needs `concurrency = N`"));
        assert!(
            error(quote!(concurrency = 2, samples = 10)).starts_with("`samples` does not apply")
        );
    }

    #[test]
    fn load_options_need_the_load_form() {
        let args = syn::parse2(quote!(concurrency = 8)).unwrap();
        let message = perf_test(
            &args,
            parse_quote!(
                fn f(b: &mut perfkit::Bencher) {}
            ),
        )
        .expect_err("rejected")
        .to_string();
        assert_eq!(
            message,
            "`concurrency` is a load-test option: a load test takes the load driver, as in \
             `fn f(load: &mut perfkit::Load)`, and calls `load.run(|| request())`"
        );
    }
}
