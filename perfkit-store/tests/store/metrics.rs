//! Declared metrics: a user's metric keeps its unit and direction, in every backend and
//! through `sync`; built-in names cannot be redeclared.

use perfkit_store::{Better, MetricInfo, RunFilter, StoreError, sync};

use crate::backends::{backends, sqlite_location};

#[test]
fn a_declared_metric_reads_back_and_the_latest_declaration_wins() {
    for mut store in backends() {
        let at = store.at.backend;
        assert_eq!(
            store.metric_info("hit_rate").unwrap(),
            MetricInfo::undeclared("hit_rate"),
            "{at}: nothing declared yet"
        );
        store
            .declare_metric(&MetricInfo::new("hit_rate", "%", Better::Higher))
            .unwrap();
        store
            .declare_metric(&MetricInfo::new(
                "it's \"odd\" ünïcødé",
                "req",
                Better::Lower,
            ))
            .unwrap();
        let info = store.metric_info("hit_rate").unwrap();
        assert_eq!(
            (info.unit.as_str(), info.better),
            ("%", Better::Higher),
            "{at}"
        );
        store
            .declare_metric(&MetricInfo::new("hit_rate", "fraction", Better::Higher))
            .unwrap();
        assert_eq!(
            store.metric_info("hit_rate").unwrap().unit,
            "fraction",
            "{at}"
        );
        assert_eq!(store.declared_metrics().unwrap().len(), 2, "{at}");
        // Built-ins are described in code, never by the store.
        assert_eq!(
            store.metric_info("throughput").unwrap().better,
            Better::Higher,
            "{at}"
        );
    }
}

#[test]
fn a_builtin_name_is_refused_and_nothing_is_stored() {
    for mut store in backends() {
        let err = store
            .declare_metric(&MetricInfo::new("time", "ms", Better::Higher))
            .unwrap_err();
        assert!(matches!(err, StoreError::BuiltinMetric { .. }), "{err:?}");
        assert!(err.to_string().contains("another name"), "{err}");
        assert!(store.declared_metrics().unwrap().is_empty());
        assert_eq!(store.metric_info("time").unwrap().unit, "ns");
    }
}

#[test]
fn sync_copies_declarations() {
    let mut source = sqlite_location().open();
    source
        .declare_metric(&MetricInfo::new("hit_rate", "%", Better::Higher))
        .unwrap();
    for mut to in backends() {
        sync(&source, &mut to, &RunFilter::default()).unwrap();
        assert_eq!(
            to.declared_metrics().unwrap(),
            source.declared_metrics().unwrap(),
            "{}",
            to.at.backend
        );
    }
}
